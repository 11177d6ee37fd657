"""`holbrook demo`: a realistic sample school in an empty data folder."""

from __future__ import annotations


def add_commands(commands, command) -> None:
    """Called by cli.build_parser (to be filled in)."""
