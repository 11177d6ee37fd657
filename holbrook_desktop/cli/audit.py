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
    say,
)


def register(commands) -> None:
    audit_verbs = add_noun(commands, "audit", "check the tamper-evident audit log")
    verify = add_command(audit_verbs, "verify", "walk the hash chain; exit 1 at the first bad row")
    add_json_option(verify)
    verify.set_defaults(handler=_audit_verify)


def _audit_verify(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.evidence import check_evidence

    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        evidence = check_evidence(store)
    report = evidence.chain
    if args.json:
        print_json(evidence.as_dict())
    elif report.ok:
        print(f"audit log intact: {report.rows} rows, last hash {report.last_hash}")
    else:
        print(f"audit log broken at row {report.first_bad_row}: {report.problem} "
              f"({report.rows} rows before it verify)")
    if not args.json:
        for problem in evidence.problems:
            print(f"FAIL {problem}")
        for note in evidence.notes:
            print(f"note {note}")
        say(f"{evidence.pdfs_checked} signed PDFs checked against the records and the log: "
            + ("all anchored in it" if not evidence.problems else
               f"{len(evidence.problems)} problem{'' if len(evidence.problems) == 1 else 's'}"))
    return EXIT_OK if evidence.ok else EXIT_FAILED
