"""The reminder list: who to remind, one entry a person, emails once each, mailto: links in Bcc only."""

import json
from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

from holbrook_desktop.cli import main
from holbrook_desktop.core.hr.due import PersonStatus, Status
from holbrook_desktop.core.hr.reminders import reminder_list
from holbrook_desktop.core.records import StaffMember

TITLES = {"social-media": "Social Media Policy", "phones": "Mobile Phones Policy"}


def _status(number: int, name: str, status: Status, *, email: str | None = None, policy: str = "social-media",
            due: date | None = date(2026, 10, 1)) -> PersonStatus:
    member = StaffMember(number, name, None, "teacher", None, email, "2024-09-01", None, True)
    return PersonStatus(member, policy, status, due, None)


SCHOOL = [
    _status(1, "Ann Smith", Status.ACKNOWLEDGED, email="ann@school.uk", due=date(2027, 9, 1)),
    _status(2, "Bob Jones", Status.OVERDUE, email="bob+hr@school.uk", due=date(2026, 10, 1)),
    _status(3, "Cat Brown", Status.NEVER, email="cat@school.uk", due=date(2026, 9, 15)),
    _status(4, "Dan Green", Status.DUE_SOON, email="DAN@school.uk", due=date(2026, 12, 1)),
    _status(5, "Eve White", Status.LEAVER, email="eve@school.uk", due=None),
    _status(6, "Siân O’Brien", Status.OVERDUE, due=date(2026, 10, 5)),  # no email on record
    _status(7, "Daniel Green", Status.DUE_SOON, email="dan@School.UK", due=date(2026, 12, 2)),  # shared box
]


def test_who_is_reminded_and_in_what_order():
    reminders = reminder_list(SCHOOL, policy_titles=TITLES)
    assert [e.name for e in reminders.entries] == ["Cat Brown", "Bob Jones", "Dan Green", "Daniel Green"]
    assert [e.name for e in reminders.without_email] == ["Siân O’Brien"]
    assert reminders.emails() == ["cat@school.uk", "bob+hr@school.uk", "DAN@school.uk"]


def test_the_text_to_copy():
    text = reminder_list(SCHOOL, policy_titles=TITLES).as_text()
    assert text == (
        "Cat Brown <cat@school.uk> — never acknowledged, was due 15 Sep 2026\n"
        "Bob Jones <bob+hr@school.uk> — overdue, was due 1 Oct 2026\n"
        "Dan Green <DAN@school.uk> — due by 1 Dec 2026\n"
        "Daniel Green <dan@School.UK> — due by 2 Dec 2026\n"
        "\n"
        "No email on record — remind in person:\n"
        "Siân O’Brien — overdue, was due 5 Oct 2026\n")


def test_one_entry_a_person_with_every_policy_they_are_due_on():
    statuses = [_status(2, "Bob Jones", Status.OVERDUE, email="bob@school.uk", due=date(2026, 10, 1)),
                _status(2, "Bob Jones", Status.DUE_SOON, email="bob@school.uk", policy="phones",
                        due=date(2026, 12, 1))]
    reminders = reminder_list(statuses, policy_titles=TITLES)
    assert len(reminders.entries) == 1
    assert reminders.as_text() == ("Bob Jones <bob@school.uk> — Social Media Policy: overdue, was due 1 Oct "
                                   "2026; Mobile Phones Policy: due by 1 Dec 2026\n")
    assert reminders.subject == ("Reminder: please read and acknowledge the Mobile Phones Policy and "
                                 "the Social Media Policy")


def test_a_mailto_link_has_everyone_in_bcc_and_nobody_else():
    reminders = reminder_list(SCHOOL, policy_titles=TITLES)
    (url,) = reminders.mailto_urls()
    assert url.startswith("mailto:?bcc=")
    assert "+" not in url.partition("&")[0] and "%2B" in url  # "+" would read as a space to some programs
    assert " " not in url and "Green" not in url and "Siân" not in url  # no names, addresses only
    fields = parse_qs(urlsplit(url).query)
    assert set(fields) == {"bcc", "subject", "body"}
    assert fields["bcc"] == ["cat@school.uk,bob+hr@school.uk,DAN@school.uk"]
    assert fields["subject"] == ["Reminder: please read and acknowledge the Social Media Policy"]
    assert "\r\n\r\n" in unquote(url.partition("&body=")[2])  # line breaks as %0D%0A (RFC 6068)


def test_a_long_list_is_split_into_links_short_enough_for_windows():
    many = [_status(n, f"Person {n}", Status.OVERDUE, email=f"person.number.{n}@holbrook-primary.school.uk")
            for n in range(1, 121)]
    reminders = reminder_list(many)
    urls = reminders.mailto_urls(max_length=1800)
    assert len(urls) > 1 and all(len(url) <= 1800 for url in urls)
    bcc = [address for url in urls for address in parse_qs(urlsplit(url).query)["bcc"][0].split(",")]
    assert bcc == reminders.emails() and len(bcc) == 120
    # Without titles, a policy is named from its id.
    assert reminders.subject == "Reminder: please read and acknowledge the Social Media Policy"


def test_nobody_to_remind():
    reminders = reminder_list([SCHOOL[0], SCHOOL[4]])
    assert reminders.as_text() == "" and reminders.emails() == [] and reminders.mailto_urls() == []


def test_cli_prints_the_list_the_links_and_json(tmp_path, capsys):
    data = str(tmp_path / "data")
    for name, email in (("Ann Smith", "ann@school.uk"), ("Bob Jones", None)):
        extra = ["--email", email] if email else []
        assert main(["--data-dir", data, "staff", "add", "--name", name, "--role", "teacher",
                     "--start-date", "2024-09-01", *extra]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "export", "reminders"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Ann Smith <ann@school.uk> — never acknowledged") and "Bob Jones —" in out
    assert "2 people to remind; 1 with no email" in err
    assert main(["--data-dir", data, "export", "reminders", "--mailto"]) == 0
    assert capsys.readouterr().out.startswith("mailto:?bcc=ann@school.uk&subject=")
    assert main(["--data-dir", data, "export", "reminders", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["emails"] == ["ann@school.uk"] and found["without_email"][0]["name"] == "Bob Jones"
    assert main(["--data-dir", data, "export", "reminders", "--policy", "nope"]) == 2
