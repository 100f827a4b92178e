"""universal_lock.resolver (see docs/architecture.md)."""
