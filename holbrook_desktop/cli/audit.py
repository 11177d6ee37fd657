"""`holbrook audit verify`: walk the tamper-evident audit log's hash chain."""

from __future__ import annotations

import argparse

from holbrook_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    print_json,
    records_only,
)


def register(commands) -> None:
    audit_verbs = add_noun(commands, "audit", "check the tamper-evident audit log")
    verify = add_command(audit_verbs, "verify", "walk the hash chain; exit 1 at the first bad row")
    add_json_option(verify)
    verify.set_defaults(handler=_audit_verify)


def _audit_verify(args: argparse.Namespace) -> int:
    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        report = store.verify_audit()
    if args.json:
        print_json({"ok": report.ok, "rows_verified": report.rows, "first_bad_row": report.first_bad_row,
                    "problem": report.problem, "last_hash": report.last_hash})
    elif report.ok:
        print(f"audit log intact: {report.rows} rows, last hash {report.last_hash}")
    else:
        print(f"audit log broken at row {report.first_bad_row}: {report.problem} "
              f"({report.rows} rows before it verify)")
    return EXIT_OK if report.ok else EXIT_FAILED
