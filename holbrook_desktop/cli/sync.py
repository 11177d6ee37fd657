"""`holbrook sync …`: this PC's records exchanged with the school's other PCs through a shared folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from holbrook_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    declare_output,
    print_json,
    records_only,
    say,
)


def register(commands) -> None:
    verbs = add_noun(commands, "sync", "exchange records with the school's other PCs through a shared folder")
    status = add_command(verbs, "status", "the sync folder, each PC's last sync, bundles refused")
    add_json_option(status)
    status.set_defaults(handler=_status)
    run = add_command(verbs, "run", "write this PC's new records to the sync folder and apply the others'")
    add_json_option(run)
    run.set_defaults(handler=_run)
    folder = add_command(verbs, "set-folder", "the folder every PC of the school can reach (a network "
                                              "share, a OneDrive/SharePoint folder, a USB stick)",
                         requires_admin=True)
    folder.add_argument("path", metavar="PATH")
    declare_output(folder, "path", folder=True)  # bundles are written there: never in the data folder
    folder.set_defaults(handler=_set_folder)


def _status(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.sync import folder as sync

    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        found = sync.status(store)
    if args.json:
        print_json(found)
        return EXIT_OK
    print(f"{'sync folder':<26} {found['folder'] or 'not set'}"
          + ("" if not found["folder"] or found["reachable"] else "  (cannot be reached now)"))
    print(f"{'this PC':<26} {found['pc_id']}")
    school = found["school"]
    identity = (f"{school['school']} (only its PCs are synced with)" if school["member"]
                else "none yet: every PC's key is trusted when first seen")
    print(f"{'school identity':<26} {identity}")
    print(f"{'changes not yet sent':<26} {found['changes_not_yet_exported']}")
    print(f"{'waiting for other records':<26} {found['waiting']}")
    for pc in found["pcs"]:
        print(f"PC {pc['name']:<23} last sync {pc['last_sync'] or 'never'}, {pc['bundles']} bundles, "
              f"{pc['events']} events")
    for refused in found["refused"]:
        print(f"REFUSED {refused['file']} of PC {refused['pc_id']}: {refused['reason']}")
    return EXIT_FAILED if found["refused"] else EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.errors import Failure, Refused
    from holbrook_desktop.core.sync import folder as sync

    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        try:
            report = sync.run(store)
        except Refused as exc:
            say(f"holbrook sync run: {exc}")
            return EXIT_USAGE
        except Failure as exc:
            say(f"holbrook sync run: {exc}")
            return EXIT_FAILED
    if args.json:
        print_json(report.as_dict())
    else:
        say(f"sent {report.exported} new events" + (f" as bundle {report.bundle}" if report.bundle else ""))
        for applied in report.applied:
            say(f"applied bundle {applied['bundle']} of {applied['pc_name']}: {applied['new']} new events, "
                f"{applied['duplicates']} already here")
            for clash in applied["clashes"]:
                say(f"  kept without a clashing {clash}")
        if report.waiting:
            say(f"{report.waiting} records wait for what they refer to (another PC's bundle not here yet)")
    for refused in report.refused:
        say(f"REFUSED {refused.file} of PC {refused.pc_name} ({refused.pc_id}): {refused.reason}")
    return EXIT_FAILED if report.refused else EXIT_OK


def _set_folder(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.sync import folder as sync

    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        try:
            chosen = sync.set_sync_folder(store, Path(args.path))
        except sync.SyncFolderMissing as exc:
            say(f"holbrook sync set-folder: {exc}")
            return EXIT_USAGE
    say(f"sync folder set: {chosen}; 'holbrook sync run' sends and fetches records")
    return EXIT_OK
