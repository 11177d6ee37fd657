"""The reminder list: who is overdue or due soon, with their emails, and mailto: links (Bcc only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from holbrook_desktop import APP_NAME
from holbrook_desktop.core.dates import for_people
from holbrook_desktop.core.hr.due import PersonStatus, Status

REMINDED = (Status.OVERDUE, Status.NEVER, Status.DUE_SOON)
# Windows hands a mailto: link to the mail program through a path that cuts it off at about
# 2,000 characters; past that the last addresses would silently be lost.
MAILTO_MAX_LENGTH = 1800
NO_EMAIL_HEADING = "No email on record — remind in person"


@dataclass(frozen=True)
class PolicyDue:
    policy_id: str
    title: str
    status: Status
    due: date | None

    def words(self) -> str:
        day = _short_date(self.due)
        if self.status is Status.DUE_SOON:
            return f"due by {day}"
        if self.status is Status.NEVER:
            return f"never acknowledged, was due {day}"
        return f"overdue, was due {day}"


@dataclass(frozen=True)
class Reminder:
    """One person, with every policy they need to acknowledge."""

    staff_id: int
    name: str
    email: str | None
    role: str
    policies: tuple[PolicyDue, ...]

    def line(self, *, with_titles: bool) -> str:
        address = f" <{self.email}>" if self.email else ""
        dues = "; ".join(f"{p.title}: {p.words()}" if with_titles else p.words() for p in self.policies)
        return f"{self.name}{address} — {dues}"

    def as_dict(self) -> dict:
        return {"staff_id": self.staff_id, "name": self.name, "email": self.email, "role": self.role,
                "policies": [{"policy_id": p.policy_id, "title": p.title, "status": str(p.status),
                              "due": p.due.isoformat() if p.due else None} for p in self.policies]}


@dataclass(frozen=True)
class ReminderList:
    entries: tuple[Reminder, ...]  # people with an email address, most overdue first
    without_email: tuple[Reminder, ...]  # no email on record: remind them in person
    policy_titles: tuple[str, ...]  # the policies anyone here is due on

    @property
    def _policies(self) -> str:
        return _and_list([f"the {title}" for title in self.policy_titles]) or "the staff policies"

    @property
    def subject(self) -> str:
        return f"Reminder: please read and acknowledge {self._policies}"

    @property
    def body(self) -> str:
        return (f"Hello,\n\nOur records show that you are due to read and acknowledge {self._policies}. "
                f"Please open the {APP_NAME} on a school computer, read the policy, take the short quiz "
                "and sign the acknowledgement.\n\nThank you.")

    @property
    def with_titles(self) -> bool:
        """Each line names its policy only when there is more than one to tell apart."""
        return len(self.policy_titles) > 1

    def as_text(self) -> str:
        """Plain text to paste into an email or a note: one person a line."""
        lines = [entry.line(with_titles=self.with_titles) for entry in self.entries]
        if self.without_email:
            if lines:
                lines.append("")
            lines.append(f"{NO_EMAIL_HEADING}:")
            lines += [entry.line(with_titles=self.with_titles) for entry in self.without_email]
        return "\n".join(lines) + ("\n" if lines else "")

    def emails(self) -> list[str]:
        """Each address once (Ann@School.uk and ann@school.uk are one), in the list's order."""
        seen: set[str] = set()
        found = []
        for entry in self.entries:
            if entry.email and entry.email.casefold() not in seen:
                seen.add(entry.email.casefold())
                found.append(entry.email)
        return found

    def mailto_urls(self, max_length: int = MAILTO_MAX_LENGTH) -> list[str]:
        """`mailto:?bcc=…&subject=…&body=…` links (RFC 6068), each at most `max_length` characters,
        as many as the addresses need. Bcc only: nobody sees who else was reminded."""
        tail = f"&subject={_encode(self.subject)}&body={_encode(self.body)}"
        urls: list[str] = []
        batch: list[str] = []
        for address in (_encode(email, safe="@") for email in self.emails()):
            if batch and len(_mailto([*batch, address], tail)) > max_length:
                urls.append(_mailto(batch, tail))
                batch = []
            batch.append(address)
        if batch:
            urls.append(_mailto(batch, tail))
        return urls

    def as_dict(self) -> dict:
        return {"subject": self.subject, "emails": self.emails(),
                "entries": [entry.as_dict() for entry in self.entries],
                "without_email": [entry.as_dict() for entry in self.without_email]}


def reminder_list(statuses: Sequence[PersonStatus], *,
                  policy_titles: Mapping[str, str] | None = None) -> ReminderList:
    """Everyone overdue, never acknowledged (past the date) or due soon, leavers aside; one entry
    a person. `policy_titles` names the policies (else a title is made from the policy's id)."""
    titles = dict(policy_titles or {})
    by_person: dict[int, list[PersonStatus]] = {}
    for status in statuses:
        if status.status in REMINDED:
            by_person.setdefault(status.member.id, []).append(status)
    people = []
    for found in by_person.values():
        member = found[0].member
        dues = tuple(sorted((PolicyDue(s.policy_id, titles.get(s.policy_id) or _title_from_id(s.policy_id),
                                       s.status, s.due) for s in found),
                            key=lambda p: (p.due or date.max, p.title)))
        people.append(Reminder(member.id, member.full_name, member.work_email, member.role_label, dues))
    people.sort(key=lambda r: (r.policies[0].due or date.max, r.name.casefold(), r.staff_id))
    used = sorted({p.title for person in people for p in person.policies})
    return ReminderList(tuple(p for p in people if p.email), tuple(p for p in people if not p.email),
                        tuple(used))


def _mailto(addresses: list[str], tail: str) -> str:
    return "mailto:?bcc=" + ",".join(addresses) + tail


def _encode(text: str, safe: str = "") -> str:
    """Percent-encoded UTF-8 (RFC 6068): spaces as %20, never "+", line breaks as %0D%0A."""
    return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe=safe)


def _and_list(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _title_from_id(policy_id: str) -> str:
    words = policy_id.replace("-", " ").replace("_", " ").title()
    return words if words.endswith("Policy") else words + " Policy"


def _short_date(day: date | None) -> str:
    return for_people(day, short=True) if day else "no date"
