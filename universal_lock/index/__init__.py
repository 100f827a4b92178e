"""universal_lock.index (see docs/architecture.md)."""
