"""`holbrook backup …`: the backups of the records database, and putting the newest back."""

from __future__ import annotations

import argparse

from holbrook_desktop.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    print_json,
    say,
)
from holbrook_desktop.core import paths


def register(commands) -> None:
    backup_verbs = add_noun(commands, "backup", "list or restore backups of the records")
    backup_list = add_command(backup_verbs, "list", "backups of the records database, newest first")
    add_json_option(backup_list)
    backup_list.set_defaults(handler=_backup_list)
    restore = add_command(backup_verbs, "restore",
                          "put the newest backup in place (the current file is kept)")
    restore.set_defaults(handler=_backup_restore)


def _backup_list(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.records import backups
    from holbrook_desktop.core.records.database import DATABASE_FILE

    found = backups.existing_backups(paths.data_dir(args.data_dir) / DATABASE_FILE)
    if args.json:
        print_json({"backups": [{"file": str(p), "bytes": p.stat().st_size} for p in found]})
    else:
        for backup_file in found:
            print(backup_file)
        say(f"{len(found)} backups")
    return EXIT_OK


def _backup_restore(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.records import Store

    folder = paths.data_dir(args.data_dir)
    try:
        used = Store.restore_newest_backup(folder)
    except (FileNotFoundError, OSError) as exc:
        say(f"holbrook backup restore: {exc}")
        return EXIT_USAGE
    say(f"restored {used.name}; the file it replaced is kept beside it as holbrook.db.damaged-…")
    return EXIT_OK
