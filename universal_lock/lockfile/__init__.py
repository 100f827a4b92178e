"""universal_lock.lockfile (see docs/architecture.md)."""
