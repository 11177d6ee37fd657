"""Child process for the crash tests: opens the records store and writes until it is killed.

    python bench/crash_writer.py DATA_DIR DAY TAG [--seconds N]

DAY (YYYY-MM-DD) is what the store is told "today" is, so that every run can be a first open
of the day (integrity check, backup, pruning) and a kill can land in those too. TAG makes
this run's staff numbers unique. Prints "ready" once the store is open, then one line per
change, each written and flushed only *after* the change's commit has returned:

    staff <staff_number> <staff_id>
    opened <staff_id> <section>
    read <staff_id> <section>

A line that is printed is a promise that the change is in the database. The parent kills
this process with SIGKILL at a random moment and checks every promise. It stops by itself
after --seconds (default 30) so that it never outlives a parent that died.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from holbrook_desktop.core.content.folder import load_content  # noqa: E402
from holbrook_desktop.core.identity import Actor  # noqa: E402
from holbrook_desktop.core.reading.progress import SectionKey  # noqa: E402
from holbrook_desktop.core.records import NewStaffMember, Store  # noqa: E402

ROLES = ("teacher", "teaching-assistant", "office", "lunchtime", "governor")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("day", type=date.fromisoformat)
    parser.add_argument("tag")
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args(argv)

    policy = load_content(REPO / "content").handbook.policies[0]
    sections = [section.number for section in policy.all_sections()]
    store = Store.open(args.data_dir, Actor("crash-test", "cli"), today=lambda: args.day)
    store.policy_versions.record_seen(policy)
    say("ready")
    stop_at = time.monotonic() + args.seconds
    i = 0
    while time.monotonic() < stop_at:
        member = store.staff.add(NewStaffMember(
            f"Crash Test {args.tag} {i}", ROLES[i % len(ROLES)], args.day,
            staff_number=f"{args.tag}-{i}", work_email=f"crash.{args.tag}.{i}@holbrook.example"))
        say(f"staff {member.staff_number} {member.id}")
        key = SectionKey(policy.id, policy.sha256, sections[i % len(sections)])
        progress = store.progress_for(member.id)
        progress.mark_opened(key)
        say(f"opened {member.id} {key.section_number}")
        progress.mark_read(key, datetime.now(UTC))
        say(f"read {member.id} {key.section_number}")
        i += 1
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
