"""`holbrook staff import` and `holbrook staff leave`: HR's staff list in, leavers marked."""

from __future__ import annotations


def add_commands(staff_verbs, command) -> None:
    """Called by cli.build_parser with the `staff` noun's sub-parsers (to be filled in)."""
