"""universal_lock.project (see docs/architecture.md)."""
