"""Integration tests: ulock output checked by real installers and the CLI end to end."""
