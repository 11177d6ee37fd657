"""A realistic sample school in an empty data folder: what a new user tries first, and what screenshots
and benchmarks use.

Everything goes through the same façade calls as the window: staff are added, sign in, read each
section, take the quiz, and sign (drawn or typed) a real, signed attestation PDF; an administrator
records a volunteer's paper form and marks the leavers. Only the clock is moved: the store stamps
each change with a time in the past (Store.clock), so that the school has two years of history —
some people in date, some due soon, some overdue, some part-way, some who never started, a new
starter and a leaver. Never run against a folder that already holds a school's records.
"""

from __future__ import annotations

import math
import random
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from holbrook_desktop.core.errors import Refused

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.attestation.signature import Signature
    from holbrook_desktop.core.records import StaffMember, Store

DEMO_SETTING = "demo"  # present in a sample school's settings: what made it, and when
EMAIL_DOMAIN = "holbrook.sch.uk"
MIN_STAFF, MAX_STAFF = 10, 2000

# A 40-person primary school: the share of each role (core.roles), largest first.
ROLE_SHARES = (("teacher", 12), ("teaching-assistant", 10), ("governor", 5), ("lunchtime", 4),
               ("office", 3), ("volunteer", 3), ("trainee", 1), ("supply", 1), ("contractor", 1))
# How long people in each role have been at the school: (fewest, most) years; (0, 0) is this term.
SERVICE_YEARS = {"teacher": (2, 22), "teaching-assistant": (2, 14), "governor": (2, 7), "lunchtime": (2, 9),
                 "office": (2, 16), "volunteer": (2, 5), "trainee": (0, 0), "supply": (0, 0),
                 "contractor": (2, 4)}
# People in these roles are on the staffroom PC rarely: they mostly type their name to sign.
KEYBOARD_ROLES = {"governor", "contractor", "supply"}

FIRST_NAMES = (
    "Amelia", "Oliver", "Priya", "Mohammed", "Aisha", "Chidi", "Rhiannon", "Dafydd", "Niamh", "Callum",
    "Fatima", "Tomasz", "Grace", "Harpreet", "Kwame", "Ewan", "Isla", "Yusuf", "Chloé", "Bartosz", "Amara",
    "Seren", "Ruth", "Declan", "Mei", "Hannah", "Joseph", "Olumide", "Sinéad", "Rory", "Ayesha", "Gareth",
    "Ngozi", "Bethan", "Imran", "Agnieszka", "Liam", "Saoirse", "Kofi", "Eleanor", "Ravi", "Jessica",
    "Tariq", "Freya", "Dominika", "Samuel", "Rosa", "Iain", "Nadia", "Efua",
)
SURNAMES = (
    "Okafor", "Patel", "Hughes", "Nowak", "MacLeod", "Begum", "Evans", "Khan", "Thompson", "Nguyen",
    "Ahmed", "Campbell", "Jones", "Mensah", "Walsh", "Davies", "Chowdhury", "Wright", "Adeyemi", "Roberts",
    "Singh", "Clarke", "Brennan", "Wójcik", "Hussain", "Taylor", "Williams", "Smith", "Edwards", "Osei",
    "Murphy", "Ali", "Bennett", "Lloyd", "Chen", "Byrne", "Shah", "Green", "Fitzgerald", "Kowalczyk",
)
# Always in the school, whatever its size: the names that catch out software (accents, a letter
# outside Latin-1, an apostrophe).
NAMED_FIRST = (("Siobhán", "O'Brien"), ("Zoë", "Adeyemi"), ("Łukasz", "Kowalczyk"))
PREFERRED = {"Eleanor": "Ellie", "Samuel": "Sam", "Joseph": "Joe", "Jessica": "Jess", "Olumide": "Mide",
             "Dominika": "Domi"}

# What each person has done, as the status table will show it.
IN_DATE, DUE_SOON, OVERDUE, PART_WAY, FAILED, NEVER, NEW_STARTER, ON_PAPER, LEAVER = (
    "in date", "due soon", "overdue", "part-way", "failed the quiz", "never started", "new starter",
    "signed on paper", "leaver")
# Shares of the people left once one of each kind is placed.
STORY_SHARES = ((IN_DATE, 50), (OVERDUE, 13), (DUE_SOON, 10), (NEVER, 10), (PART_WAY, 8), (FAILED, 3),
                (NEW_STARTER, 3), (LEAVER, 3))
PASS_WRONG, FAIL_WRONG = (0, 0, 1, 1, 2), 6  # wrong answers in a pass; in a fail (of 15, pass mark 80%)
SECONDS_PER_CHANGE = 20  # the clock's step between one recorded change and the next within a session


class DemoRefused(Refused):
    """The sample school was not made (nothing was written); the message says why and what to do."""


@dataclass(frozen=True)
class DemoSummary:
    data_dir: Path
    staff: int  # everyone on record, leavers included
    leavers: int
    acknowledgements: int  # records, each with its signed PDF
    by_status: dict[str, int]  # the status table's counts today (a person counts once a policy)
    seconds: float

    def as_dict(self) -> dict:
        return {"data_dir": str(self.data_dir), "staff": self.staff, "leavers": self.leavers,
                "acknowledgements": self.acknowledgements, "by_status": self.by_status,
                "seconds": round(self.seconds, 2)}


@dataclass
class _Person:
    full_name: str
    role: str
    story: str
    start: date = date.min
    preferred_name: str | None = None
    staff_number: str | None = None
    work_email: str | None = None
    draws: bool = True  # signs on the pad, or types their name
    member: StaffMember | None = None
    leaving: date | None = None


@dataclass(order=True)
class _Event:
    when: datetime
    order: int
    action: Callable[[], None] = field(compare=False)


class _Clock:
    """The time the store stamps each change with: moved to each session's start, then a few seconds on
    for every change, never backwards (so the audit log reads in time order)."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def at(self, when: datetime) -> None:
        self.moment = max(self.moment, when)

    def __call__(self) -> str:
        stamp = self.moment.isoformat(timespec="microseconds")
        self.moment += timedelta(seconds=SECONDS_PER_CHANGE)
        return stamp


def is_demo(store: Store) -> bool:
    return store.settings.get(DEMO_SETTING) is not None


def check_empty(store: Store) -> None:
    """DemoRefused unless the folder holds no school's records: no staff, no acknowledgements, no
    signing key. A sample school is never mixed into real records, nor signed with a real key."""
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey

    folder = store.data_dir
    if is_demo(store):
        raise DemoRefused(f"{folder} is a sample school already. To make another, use a new, empty folder "
                          "(holbrook --data-dir NEW-FOLDER demo).")
    staff = store.staff.count()
    acknowledgements = store.acknowledgements.count()
    if staff or acknowledgements:
        raise DemoRefused(f"{folder} holds a school's records ({staff} staff, {acknowledgements} "
                          "acknowledgements). The sample school is only ever made in an empty folder: "
                          "choose a new one with --data-dir. Nothing was changed.")
    if SchoolSigningKey(folder).exists():
        raise DemoRefused(f"{folder} has a school's signing key. The sample school is only ever made in an "
                          "empty folder: choose a new one with --data-dir. Nothing was changed.")


def build_demo(data_dir: Path, content_dir: Path, *, staff: int = 40, seed: int = 2026,
               today: date | None = None, progress: Callable[[int, int], None] | None = None) -> DemoSummary:
    """Fill an empty data folder with a sample school of `staff` people, its history running up to
    the day before `today`. DemoRefused (and nothing written) if the folder holds records already."""
    from holbrook_desktop.app import App
    from holbrook_desktop.core.identity import Actor, os_user
    from holbrook_desktop.core.records import Store
    from holbrook_desktop.core.records.database import utc_now

    if not MIN_STAFF <= staff <= MAX_STAFF:
        raise DemoRefused(f"A sample school has {MIN_STAFF} to {MAX_STAFF} staff, not {staff}.")
    started = time.perf_counter()
    service = App(content_dir, seconds_for=lambda words: 0.0)  # reading time is not waited for
    if not service.content.ok or not service.content.policies:
        raise DemoRefused(f"The content in {content_dir} has errors; run 'holbrook content check'.")
    today = today or date.today()
    began = _first_day(today)
    clock = _Clock(datetime.combine(began, datetime.min.time(), UTC).replace(hour=7, minute=30))
    store = Store.open(data_dir, Actor(os_user(), "demo"), now=clock)
    try:
        check_empty(store)
        service.use_records(store)
        rng = random.Random(seed)
        people = _school(rng, staff, today)
        store.settings.set(DEMO_SETTING, {"staff": staff, "seed": seed, "today": today.isoformat(),
                                          "made": datetime.now(UTC).isoformat(timespec="seconds")})
        _make_signing_key(service, clock.moment)
        events = _timeline(service, clock, people, rng, today, began)
        for done, event in enumerate(sorted(events), start=1):
            clock.at(event.when)
            event.action()
            if progress is not None:
                progress(done, len(events))
        store.clock = utc_now
        by_status = Counter(str(s.status) for s in service.hr.statuses(today=today))
        return DemoSummary(
            data_dir=store.data_dir, staff=store.staff.count(),
            leavers=sum(p.leaving is not None for p in people),
            acknowledgements=store.acknowledgements.count(),
            by_status=dict(by_status), seconds=time.perf_counter() - started)
    finally:
        store.close()


def _make_signing_key(service: App, when: datetime) -> None:
    """The school's key, made on its first day, so that its certificate is valid at every attestation's
    time. As App.create_signing_key, which makes one valid from the real now."""
    school = next((p.meta.school for p in service.content.policies), "") or "School"
    service.attestation.create_signing_key(school, now=when)


def _first_day(today: date) -> date:
    """When the school began using the app: the first weekday of a September about two years back."""
    year = today.year - 2 if today.month >= 9 else today.year - 3
    day = date(year, 9, 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# Who is in the school ------------------------------------------------------------------------------

def _school(rng: random.Random, size: int, today: date) -> list[_Person]:
    roles = _roles(size)
    names = _names(rng, size)
    stories = _stories(size)
    people = [_Person(name, role, "") for name, role in zip(names, roles, strict=True)]
    _cast(rng, people, stories)
    emails: set[str] = set()
    for number, person in enumerate(people, start=1):
        first = person.full_name.split()[0]
        if rng.random() < 0.6:
            person.preferred_name = PREFERRED.get(first)
        if person.role not in {"governor", "volunteer", "supply", "contractor"}:
            person.staff_number = f"HP{1000 + number * 7:04d}"
        if person.role not in {"volunteer", "contractor"} and not (person.role == "governor" and number % 2):
            person.work_email = _email(person.full_name, emails)
        person.draws = person.role not in KEYBOARD_ROLES and rng.random() < 0.75
        low, high = SERVICE_YEARS[person.role]
        days = rng.randint(365 * low + 30, 365 * high + 300) if high else rng.randint(20, 70)
        person.start = _weekday(today - timedelta(days=days))
    return people


def _roles(size: int) -> list[str]:
    """Roles in a primary school's proportions; at least one of each."""
    whole = sum(share for _, share in ROLE_SHARES)
    counts = {role: max(1, math.floor(size * share / whole)) for role, share in ROLE_SHARES}
    role_cycle = [role for role, _ in ROLE_SHARES]
    index = 0
    while sum(counts.values()) < size:  # the remainder to the largest groups, in turn
        counts[role_cycle[index % 4]] += 1
        index += 1
    while sum(counts.values()) > size:  # a very small school: the classroom staff are fewer
        largest = max(reversed(counts), key=counts.__getitem__)
        counts[largest] -= 1
    return [role for role, _ in ROLE_SHARES for _ in range(counts[role])]


def _names(rng: random.Random, size: int) -> list[str]:
    named = [f"{first} {last}" for first, last in NAMED_FIRST]
    taken = set(named)
    others: list[str] = []
    while len(others) < size - len(named):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        if name not in taken or len(taken) >= len(FIRST_NAMES) * len(SURNAMES):  # a big school repeats
            taken.add(name)
            others.append(name)
    for offset, name in enumerate(named):  # spread through the roles, not all teachers
        others.insert(min(len(others), offset * 11 + 2), name)
    return others


def _email(full_name: str, taken: set[str]) -> str:
    ascii_name = unicodedata.normalize("NFKD", full_name.replace("Ł", "L").replace("ł", "l"))
    plain = "".join(c for c in ascii_name if c.isascii() and (c.isalpha() or c == " ")).lower().split()
    local = f"{plain[0]}.{''.join(plain[1:])}"
    candidate, n = local, 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}"
    taken.add(candidate)
    return f"{candidate}@{EMAIL_DOMAIN}"


def _stories(size: int) -> list[str]:
    """One of each kind first (two leavers and new starters in a school of 20 or more), then shares."""
    stories = [IN_DATE, DUE_SOON, OVERDUE, PART_WAY, FAILED, NEVER, NEW_STARTER, ON_PAPER, LEAVER]
    if size >= 20:
        stories += [LEAVER, NEW_STARTER]
    whole = sum(share for _, share in STORY_SHARES)
    rest = size - len(stories)
    counts = {story: math.floor(rest * share / whole) for story, share in STORY_SHARES}
    counts[IN_DATE] += rest - sum(counts.values())
    return stories + [story for story, _ in STORY_SHARES for _ in range(counts[story])]


def _cast(rng: random.Random, people: list[_Person], stories: list[str]) -> None:
    """Give each person a story that suits their role: the new starters are the trainee and the
    supply teacher, a volunteer signed on paper, the leavers were on the classroom staff."""
    preferred = {NEW_STARTER: ("trainee", "supply", "teaching-assistant"),
                 ON_PAPER: ("volunteer", "governor"), LEAVER: ("teaching-assistant", "teacher", "lunchtime")}
    open_people = list(people)
    rng.shuffle(open_people)
    remaining = list(stories)
    for story, roles in preferred.items():
        for _ in range(remaining.count(story)):
            chosen = next((p for role in roles for p in open_people if p.role == role), open_people[0])
            chosen.story = story
            open_people.remove(chosen)
            remaining.remove(story)
    for person, story in zip(open_people, remaining, strict=True):
        person.story = story


# What happened, and when ---------------------------------------------------------------------------

def _timeline(service: App, clock: _Clock, people: list[_Person],
              rng: random.Random, today: date, began: date) -> list[_Event]:
    events: list[_Event] = []
    first_moment = clock.moment
    yesterday = today - timedelta(days=1)

    def at(day: date, hour: int, action: Callable[[], None]) -> None:
        day = _weekday(max(began, min(day, yesterday)))
        when = datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), tzinfo=UTC)
        events.append(_Event(max(when, first_moment), len(events), action))

    for person in people:
        sessions = _sessions(person, rng, today, began)
        if person.story == NEW_STARTER:
            person.start = _weekday(today - timedelta(days=rng.randint(2, 12)))
        elif sessions:  # here for a while before their first session
            person.start = min(person.start, _weekday(sessions[0][0] - timedelta(days=rng.randint(7, 90))))
        # Added on the first day for those already at the school, before school on their first day
        # for later ones; sessions are in school hours, from the day after.
        at(max(began, person.start), 7, _add(service, person))
        for day, session in sessions:
            at(max(day, person.start + timedelta(days=1)), rng.randint(8, 16), session(service, person, rng))
        if person.leaving is not None:
            at(person.leaving, 17, _leave(service, person))
    return events


def _sessions(person: _Person, rng: random.Random, today: date, began: date) -> list[tuple[date, Callable]]:
    """(day, session) pairs for this person's story, earliest first."""
    def ago(low: int, high: int) -> date:
        return today - timedelta(days=rng.randint(low, high))

    def history(last: date) -> list[tuple[date, Callable]]:
        """An induction at `last`; or, for most who were here then, one a year before and a refresher."""
        earlier = last - timedelta(days=rng.randint(360, 372))
        if earlier >= began + timedelta(days=3) and rng.random() < 0.7:
            return [(earlier, _induction), (last, _refresher)]
        return [(last, _induction)]

    story = person.story
    if story == IN_DATE:
        return history(ago(20, 300))
    if story == DUE_SOON:
        return history(ago(337, 360))
    if story == OVERDUE:
        return history(ago(380, 470))
    if story == PART_WAY:
        return [(ago(3, 25), _part_way)]
    if story == FAILED:
        return [(ago(4, 20), _failed)]
    if story == NEW_STARTER:
        return [(today, _part_way)] if rng.random() < 0.5 else []  # at most yesterday: see _timeline
    if story == ON_PAPER:
        return [(ago(30, 200), _on_paper)]
    if story == LEAVER:
        person.leaving = ago(35, 110)
        return history(person.leaving - timedelta(days=rng.randint(60, 200)))
    return []  # NEVER


def _weekday(day: date) -> date:
    while day.weekday() >= 5:  # nobody reads policies in school at the weekend
        day -= timedelta(days=1)
    return day


# The sessions: the same façade calls the window makes -------------------------------------------------

def _add(service: App, person: _Person) -> Callable[[], None]:
    def action() -> None:
        from holbrook_desktop.core.records import NewStaffMember

        person.member = service.hr.add_staff(NewStaffMember(
            person.full_name, person.role, person.start, person.preferred_name, person.staff_number,
            person.work_email))
    return action


def _leave(service: App, person: _Person) -> Callable[[], None]:
    def action() -> None:
        assert person.member is not None and person.leaving is not None
        service.hr.mark_leaver(person.member.id, person.leaving)
    return action


def _signed_in(service: App, person: _Person, work: Callable[[], None]) -> None:
    assert person.member is not None
    service.sign_in(person.member.id)
    try:
        work()
    finally:
        service.sign_out()


def _read(service: App, share: float = 1.0) -> None:
    """Open each section and scroll to its end (reading time is not waited for here)."""
    from holbrook_desktop.core.content.render import Location

    for policy in service.content.policies:
        sections = policy.reading_sections()
        for section in sections[:max(1, round(len(sections) * share))]:
            service.reading.open_section(Location(policy.id, section.number))
            service.reading.end_of_section_seen()
    service.reading.close_section()


def _quiz(service: App, policy_id: str, mode: str, rng: random.Random, wrong: int) -> bool:
    """Answer the quiz through its session, `wrong` of the answers wrongly; True if passed."""
    from holbrook_desktop.core.quiz.session import QuizNotReady

    try:
        session = service.quiz.start(policy_id, mode, seed=rng.randrange(2**31))
    except QuizNotReady:
        return False  # no questions for this role yet: they cannot acknowledge it in the app either
    missed = set(rng.sample(range(len(session.questions)), min(wrong, len(session.questions))))
    for index, presented in enumerate(session.questions):
        right = presented.correct_answer()
        session.answer(index, _wrong_answer(presented, right) if index in missed else right)
    return session.finish().passed


def _wrong_answer(presented, right):
    if isinstance(right, bool):
        return not right
    if isinstance(right, frozenset):
        return right ^ {0}
    return (right + 1) % len(presented.options)


def _acknowledge_all(service: App, person: _Person, rng: random.Random, mode: str) -> None:
    for policy in service.content.policies:
        if service.quiz.bank(policy.id) is None:
            continue  # acknowledging needs a passed quiz
        if _quiz(service, policy.id, mode, rng, rng.choice(PASS_WRONG)):
            service.attestation.acknowledge(policy.id, typed_name=person.full_name, declared=True,
                                signature=_signature(rng) if person.draws else None)


def _induction(service: App, person: _Person, rng: random.Random) -> Callable[[], None]:
    def work() -> None:
        _read(service)
        _acknowledge_all(service, person, rng, "induction")
    return lambda: _signed_in(service, person, work)


def _refresher(service: App, person: _Person, rng: random.Random) -> Callable[[], None]:
    return lambda: _signed_in(service, person, lambda: _acknowledge_all(service, person, rng, "refresher"))


def _part_way(service: App, person: _Person, rng: random.Random) -> Callable[[], None]:
    share = rng.uniform(0.3, 0.7)
    return lambda: _signed_in(service, person, lambda: _read(service, share))


def _failed(service: App, person: _Person, rng: random.Random) -> Callable[[], None]:
    def work() -> None:
        _read(service)
        for policy in service.content.policies:
            if service.quiz.bank(policy.id) is not None:
                _quiz(service, policy.id, "induction", rng, FAIL_WRONG)
    return lambda: _signed_in(service, person, work)


def _on_paper(service: App, person: _Person, rng: random.Random) -> Callable[[], None]:
    def action() -> None:
        assert person.member is not None
        for policy in service.content.policies:
            service.attestation.acknowledge_on_behalf(person.member.id, policy.id,
                                          note="Signed the paper form at the volunteers' induction evening.")
    return action


def _signature(rng: random.Random) -> Signature:
    """A plausible hand-drawn signature: a looping line across the pad and a flourish under it."""
    from holbrook_desktop.core.attestation.signature import Signature

    width, height = 480.0, 160.0
    while True:
        left, right = rng.uniform(30, 70), rng.uniform(300, 440)
        loops, size, slope = rng.uniform(5, 11), rng.uniform(18, 34), rng.uniform(-0.08, 0.05)
        line = []
        for step in range(90):
            t = step / 89
            x = left + (right - left) * t + 9 * math.sin(t * loops * 2 * math.pi)
            y = 80 + slope * (x - left) - size * math.cos(t * loops * 2 * math.pi) * (1 - 0.5 * t)
            line.append((round(x, 1), round(y + rng.uniform(-1.2, 1.2), 1)))
        flourish_y = rng.uniform(115, 135)
        flourish = [(round(left + (right - left) * k / 20, 1), round(flourish_y + 6 * math.sin(k / 3), 1))
                    for k in range(21)]
        signature = Signature.from_points(width, height, [line, flourish])
        if signature.problem() is None:
            return signature
