"""`holbrook admin …`: the administrator's password and settings."""

from __future__ import annotations


def add_commands(commands, command) -> None:
    """Called by cli.build_parser (to be filled in)."""
