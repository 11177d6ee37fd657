"""`python -m holbrook_desktop.cli`: the same as the `holbrook` command."""

import sys

from holbrook_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
