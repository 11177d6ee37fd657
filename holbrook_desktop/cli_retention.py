"""`holbrook retention …` and `holbrook subject-access export`: UK GDPR duties for leavers' data."""

from __future__ import annotations


def add_commands(commands, command) -> None:
    """Called by cli.build_parser (to be filled in)."""
