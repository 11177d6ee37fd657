"""`holbrook verify`, `acknowledgement …` and `attestation save`: acknowledgements and their signed PDFs."""

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
    add_output_option,
    print_json,
    records_app,
    records_only,
    say,
)


def register(commands) -> None:
    verify = add_command(commands, "verify",
                         "check a signed attestation PDF: exit 0 if it is genuine, 1 if not")
    verify.add_argument("file", metavar="FILE.pdf", type=Path)
    add_json_option(verify)
    verify.set_defaults(handler=_verify)

    verbs = add_noun(commands, "acknowledgement", "acknowledgements on record")
    listing = add_command(verbs, "list", "acknowledgements, oldest first")
    listing.add_argument("--staff", type=int, metavar="ID", help="only this person's")
    listing.add_argument("--policy", metavar="ID", help="only this policy's")
    add_json_option(listing)
    listing.set_defaults(handler=_acknowledgement_list)
    record = add_command(verbs, "record", "record an acknowledgement on someone's behalf",
                         requires_admin=True)
    record.add_argument("--staff", type=int, required=True, metavar="ID", help="the person's number")
    record.add_argument("--policy", required=True, metavar="ID", help="the policy, e.g. social-media")
    record.add_argument("--note", required=True, help="why it is recorded on their behalf")
    add_json_option(record)
    record.set_defaults(handler=_acknowledgement_record)

    paper = add_command(verbs, "import", "(administrator) bring in paper acknowledgements from a CSV, "
                                         "each with its real date", requires_admin=True)
    paper.add_argument("file", type=Path, metavar="FILE",
                       help="columns: person (staff number, email or full name), policy (id or title), "
                            "version (label, or 'the version in force then'), date, note")
    paper.add_argument("--dry-run", action="store_true", help="check every line; record nothing")
    add_json_option(paper)
    paper.set_defaults(handler=_acknowledgement_import)

    attestation_verbs = add_noun(commands, "attestation", "the signed attestation PDFs")
    save = add_command(attestation_verbs, "save", "save a copy of the signed PDF of one acknowledgement")
    save.add_argument("record_id", type=int, metavar="RECORD")
    add_output_option(save, metavar="FILE.pdf")
    save.set_defaults(handler=_attestation_save)


def _verify(args: argparse.Namespace) -> int:
    try:
        pdf = args.file.read_bytes()
    except OSError as exc:
        say(f"holbrook verify: cannot read {args.file}: {exc.strerror or exc}")
        return EXIT_USAGE
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        check = app.attestation.verify(pdf)
    if args.json:
        print_json({"file": str(args.file), **check.as_dict()})
    else:
        for line in check.lines:
            print(f"{'ok  ' if line.ok else 'FAIL'} {line.name}: {line.message}")
        say(f"{args.file}: " + ("a genuine attestation" if check.ok else "NOT verified"))
    return EXIT_OK if check.ok else EXIT_FAILED


def _acknowledgement_list(args: argparse.Namespace) -> int:
    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        records = [r for r in store.acknowledgements.all(args.policy)
                   if args.staff is None or r.staff_id == args.staff]
        rows = [store.acknowledgements.summary(r) for r in records]
        names = {m.id: m.full_name for m in store.staff.list(include_inactive=True)}
    if args.json:
        print_json({"acknowledgements": rows})
    else:
        for row in rows:
            print(f"{row['id']:>5}  {row['acknowledged_at'][:16].replace('T', ' ')} UTC  "
                  f"{names.get(row['staff_id'], row['staff_id'])}  {row['policy_id']} "
                  f"({row['version_label']})  {row['method']}")
        say(f"{len(rows)} acknowledgements")
    return EXIT_OK


def _acknowledgement_record(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused
    from holbrook_desktop.core.attestation.signing_key import SigningKeyError
    from holbrook_desktop.core.records import StoreError

    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        try:
            record = app.attestation.acknowledge_on_behalf(args.staff, args.policy, note=args.note)
        except KeyError:
            say(f"holbrook acknowledgement record: no person {args.staff} or policy '{args.policy}'")
            return EXIT_USAGE
        except (AcknowledgementRefused, SigningKeyError, StoreError) as exc:
            say(f"holbrook acknowledgement record: {exc}")
            return EXIT_USAGE
        summary = app.records.acknowledgements.summary(record)
        pdf_path = app.records.acknowledgements.pdf_path(record)
    if args.json:
        print_json({**summary, "pdf_path": str(pdf_path)})
    else:
        print(record.id)
        say(f"recorded acknowledgement {record.id} on behalf of person {args.staff}; "
            f"signed PDF: {pdf_path}")
    return EXIT_OK


def _acknowledgement_import(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.signing_key import SigningKeyError
    from holbrook_desktop.core.errors import Refused
    from holbrook_desktop.core.records import StoreError

    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        try:
            plan = app.hr.plan_paper_import(args.file)
        except Refused as exc:
            say(f"holbrook acknowledgement import: {exc}")
            return EXIT_USAGE
        failed = None
        if not args.dry_run:
            try:
                app.hr.apply_paper_import(plan)
            except (Refused, SigningKeyError, StoreError) as exc:
                failed = str(exc)
    if args.json:
        print_json({**plan.as_dict(), "dry_run": args.dry_run, "stopped": failed})
    for rejected in plan.rejected:
        say(f"{args.file}:{rejected.line}: not recorded: {'; '.join(rejected.reasons)}")
    if args.dry_run:
        for row in plan.rows:
            say(f"{args.file}:{row.line}: would record {row.member.full_name}, {row.policy_title} "
                f"{row.version_label}, {row.on.isoformat()}")
        say(f"dry run: {len(plan.rows)} lines would be recorded, {len(plan.rejected)} rejected; "
            "nothing written")
    else:
        if failed:
            say(f"holbrook acknowledgement import: stopped after {len(plan.recorded)} of "
                f"{len(plan.rows)}: {failed}")
        say(f"recorded {len(plan.recorded)} paper acknowledgements on behalf, with their dates; "
            f"{len(plan.rejected)} lines rejected")
    return EXIT_FAILED if plan.rejected or failed else EXIT_OK


def _attestation_save(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.files import write_whole
    from holbrook_desktop.core.records import SignedPdfUnusable

    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        record = store.acknowledgements.get(args.record_id)
        if record is None:
            say(f"holbrook attestation save: no acknowledgement {args.record_id}")
            return EXIT_USAGE
        try:
            pdf = store.acknowledgements.pdf_bytes(record)  # checked against its recorded SHA-256
        except SignedPdfUnusable as exc:
            say(f"holbrook attestation save: refused: {exc}")
            return EXIT_FAILED
    try:
        write_whole(args.output, pdf)  # private (0600): it names a person
    except OSError as exc:
        say(f"holbrook attestation save: cannot write {args.output}: {exc.strerror or exc}")
        return EXIT_USAGE
    say(f"saved {args.output}")
    return EXIT_OK
