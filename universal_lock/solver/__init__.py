"""universal_lock.solver (see docs/architecture.md)."""
