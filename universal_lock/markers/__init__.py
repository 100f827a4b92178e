"""universal_lock.markers (see docs/architecture.md)."""
