"""Child process for bench/faults.py: signs acknowledgements in a loop until it fails, is killed, or is done.

    python bench/faults_writer.py DATA_DIR DAY TAG [--seconds N] [--count N]

DAY (YYYY-MM-DD) is what the store is told "today" is (a new day makes the open run the integrity
check and the daily backup). Prints "ready" once the records are open and the signing code is
loaded, then, for each acknowledgement, one line written and flushed only *after*
`acknowledge_on_behalf` has returned:

    promise <record id> <pdf sha256> <pdf file>

A printed line is a promise that the record and its PDF are kept. The loop ends when the parent
kills this process, after --seconds or --count, or at the first error. An error the window shows as
a message (the same exceptions acknowledgement_view catches) is written to stderr as one line,

    error <ExceptionType>: <message>

and the exit status is 3; anything else ends in a traceback and status 1.

With --self-kill POINT --at N the process sends itself SIGKILL during its Nth acknowledgement, at an
exact point (see arm_self_kill): "pdf-written" just after the signed PDF is written under its pending
name, "audit-appended" just after the audit row is written (the commit is next), "committed" just
after the commit, "linked" just after the PDF gets its name. A kill from the parent rarely lands in
those few milliseconds.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from holbrook_desktop.app import App  # noqa: E402
from holbrook_desktop.core.identity import Actor  # noqa: E402
from holbrook_desktop.core.records import Store, StoreError  # noqa: E402

EXIT_REFUSED = 3


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("day", type=date.fromisoformat)
    parser.add_argument("tag")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--count", type=int, default=0, help="stop after this many (0: no limit)")
    parser.add_argument("--self-kill", choices=SELF_KILLS)
    parser.add_argument("--at", type=int, default=1, help="during which acknowledgement (1: the first)")
    args = parser.parse_args(argv)
    if args.self_kill:
        arm_self_kill(args.self_kill, args.at)

    from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused
    from holbrook_desktop.core.attestation.signing_key import SigningKeyError

    # What the acknowledgement page shows as a message rather than a crash.
    shown = (AcknowledgementRefused, StoreError, SigningKeyError, OSError, ValueError)
    try:
        store = Store.open(args.data_dir, Actor("fault-test", "cli"), today=lambda: args.day)
    except shown as exc:
        sys.stderr.write(f"error {type(exc).__name__}: {exc}\n")
        return EXIT_REFUSED
    app = App(REPO / "content", records=store, today=lambda: args.day)
    try:
        _warm_up(app)
        staff = [member.id for member in store.staff.list()]
        say("ready")
        stop_at = time.monotonic() + args.seconds
        i = 0
        while time.monotonic() < stop_at and (not args.count or i < args.count):
            try:
                record = app.attestation.acknowledge_on_behalf(
                    staff[i % len(staff)], "social-media", note=f"signed on paper ({args.tag} {i})")
            except shown as exc:
                sys.stderr.write(f"error {type(exc).__name__}: {exc}\n")
                return EXIT_REFUSED
            say(f"promise {record.id} {record.pdf_sha256} {record.pdf_file}")
            i += 1
    finally:
        store.close()
    return 0


SELF_KILLS = ("pdf-written", "audit-appended", "committed", "linked")


def arm_self_kill(point: str, at: int) -> None:
    """SIGKILL this process at `point` of its `at`-th acknowledgement: "pdf-written" just after the
    signed PDF is written under its pending name (inside the transaction), "audit-appended" just after
    the audit row (the commit is next), "committed" just after the commit (before the PDF is given its
    name), "linked" once the PDF has its name but before the pending name is removed."""
    from holbrook_desktop.core.records import acknowledgements, audit

    calls = 0

    def count_and_maybe_die() -> None:
        nonlocal calls
        calls += 1
        if calls == at:
            os.kill(os.getpid(), signal.SIGKILL)

    if point == "pdf-written":
        write_private = acknowledgements._write_private

        def written_then_die(*args, **kwargs):
            write_private(*args, **kwargs)
            count_and_maybe_die()

        acknowledgements._write_private = written_then_die
    elif point == "audit-appended":
        append = audit.append

        def appended_then_die(db, actor, action, *args, **kwargs):
            result = append(db, actor, action, *args, **kwargs)
            if action == "acknowledgement.recorded":
                count_and_maybe_die()
            return result

        audit.append = appended_then_die
    elif point == "committed":
        put_in_place = acknowledgements.put_in_place

        def die_then_put_in_place(*args, **kwargs):
            count_and_maybe_die()
            return put_in_place(*args, **kwargs)

        acknowledgements.put_in_place = die_then_put_in_place
    else:
        link = os.link

        def linked_then_die(source, target, *args, **kwargs):
            link(source, target, *args, **kwargs)
            if str(target).endswith(".pdf"):  # the final name, not write_new's pending one
                count_and_maybe_die()

        os.link = linked_then_die


def _warm_up(app: App) -> None:
    """Load what the first signature would (pyHanko, the fonts, the key), so that kills and full disks
    meet acknowledgements being written rather than modules being imported."""
    import pyhanko.pdf_utils.incremental_writer
    import pyhanko.sign.fields
    import pyhanko.sign.general
    import pyhanko.sign.signers.functions  # noqa: F401

    import holbrook_desktop.core.attestation.document  # noqa: F401
    from holbrook_desktop.core.attestation.pdf import typefaces

    typefaces()
    app.attestation.signing_key().signer()
    app.admin.school_profile()


if __name__ == "__main__":
    sys.exit(main())
