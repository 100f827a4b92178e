"""Tests of universal_lock.index: pure parsers, cache, auth, and the client end to end."""
