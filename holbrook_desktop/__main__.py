"""`python -m holbrook_desktop`: the same as the `holbrook` command."""

import sys

from holbrook_desktop.cli import main

sys.exit(main())
