"""universal_lock.installer (see docs/architecture.md)."""
