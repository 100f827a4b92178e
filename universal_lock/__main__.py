"""``python -m universal_lock`` runs the ``ulock`` command line."""

from universal_lock.cli import main

if __name__ == "__main__":
    main()
