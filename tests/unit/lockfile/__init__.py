"""Unit tests of universal_lock.lockfile."""
