"""Scenario tests: packse scenarios and our own, each locked universally and judged."""
