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
exact point inside the write transaction: "pdf-written" just after the signed PDF is in place,
"audit-appended" just after the audit row is written (the commit is next). A kill from the parent
rarely lands in those few milliseconds.
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
    parser.add_argument("--self-kill", choices=("pdf-written", "audit-appended"))
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


def arm_self_kill(point: str, at: int) -> None:
    """SIGKILL this process right after the `at`-th call of the function that ends `point`."""
    from holbrook_desktop.core.records import acknowledgements, audit

    module, name = (acknowledgements, "write_whole") if point == "pdf-written" else (audit, "append")
    original = getattr(module, name)
    calls = 0

    def then_die(*args, **kwargs):
        nonlocal calls
        result = original(*args, **kwargs)
        if name == "write_whole" or args[2] == "acknowledgement.recorded":  # append(db, actor, action, …)
            calls += 1
            if calls == at:
                os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(module, name, then_die)


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
