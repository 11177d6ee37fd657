"""`holbrook backup …`: the backups of the records database, and putting the newest back."""

from __future__ import annotations

import argparse
import sys

from holbrook_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    print_json,
    records_only,
    recover_from_pdfs,
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
    restore.add_argument("-y", "--yes", action="store_true",
                         help="replace a sound database without asking (it is still kept beside it)")
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
    """A damaged or missing database is replaced at once; a sound one only after a yes (asked on the
    terminal, or --yes): exit 2 when there is no one to ask, 1 when the answer is no."""
    from holbrook_desktop.core.records import DatabaseSound, Store, StoreError

    folder = paths.data_dir(args.data_dir)
    try:
        try:
            used = Store.restore_newest_backup(folder, replace_healthy=args.yes)
        except DatabaseSound as sound:
            say(f"holbrook backup restore: {sound}")
            if not sys.stdin.isatty():
                say("holbrook backup restore: not replaced (give --yes to replace it without asking)")
                return EXIT_USAGE
            say(f"Replace it with {sound.backup.name}? It is kept beside it, renamed. [y/N] ")
            if sys.stdin.readline().strip().lower() not in ("y", "yes"):
                say("holbrook backup restore: not replaced")
                return EXIT_FAILED
            used = Store.restore_newest_backup(folder, replace_healthy=True)
    except (StoreError, OSError) as exc:
        say(f"holbrook backup restore: {exc}")
        return EXIT_USAGE
    say(f"restored {used.name}; the file it replaced (if any) is kept beside it as "
        "holbrook.db.damaged-… (or .replaced-… if it was sound)")
    # Acknowledgements made since the backup are gone from it, but their signed PDFs are not: they are
    # put back at once (as `holbrook records recover` does), never left to be found missing later.
    with records_only(args) as store:
        if store is None:
            return EXIT_FAILED
        report = recover_from_pdfs(store)
    if report.recovered or report.refused:
        say(f"{len(report.recovered)} acknowledgement{'' if len(report.recovered) == 1 else 's'} made since "
            "the backup recovered from their signed PDFs"
            + (f"; {len(report.refused)} signed PDF{'' if len(report.refused) == 1 else 's'} could not be "
               "used "
               "(see above; 'holbrook audit verify' names them)" if report.refused else ""))
    return EXIT_OK if report.ok else EXIT_FAILED
