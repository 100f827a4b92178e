"""Test support: a real local package index built from scenario files (see README.md)."""
