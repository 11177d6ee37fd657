"""PyInstaller's entry point: the same `holbrook` command a pip install gives (window or CLI)."""

import sys

from holbrook_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
