"""The governors' status report: the right counts and late list, a readable multi-page PDF, stable bytes."""

import re
import zlib
from datetime import date
from types import SimpleNamespace

from holbrook_desktop.cli import main
from holbrook_desktop.core.hr.due import PersonStatus, Status
from holbrook_desktop.core.hr.status_report import report_title, status_report_pdf, summarise
from holbrook_desktop.core.records import StaffMember
from holbrook_desktop.core.records.acknowledgements import AcknowledgementSummary

TODAY = date(2026, 11, 24)
SOCIAL = SimpleNamespace(id="social-media", title="Social Media Policy",
                         meta=SimpleNamespace(version="2026 edition"))
PHONES = SimpleNamespace(id="phones", title="Mobile Phones Policy", meta=SimpleNamespace(version="v2"))


def _status(number: int, name: str, role: str, status: Status, *, policy: str = "social-media",
            due: date | None = date(2026, 10, 1), acknowledged: str | None = None) -> PersonStatus:
    active = status is not Status.LEAVER
    member = StaffMember(number, name, None, role, None, None, "2024-09-01", None, active)
    record = (AcknowledgementSummary(number, number, policy, "old", "2025 edition", acknowledged, "typed", 1)
              if acknowledged else None)
    return PersonStatus(member, policy, status, None if status is Status.LEAVER else due, record)


SCHOOL = [
    _status(1, "Ann Smith", "teacher", Status.ACKNOWLEDGED, due=date(2027, 9, 10)),
    _status(2, "Bob Jones", "teacher", Status.OVERDUE, due=date(2026, 10, 1),
            acknowledged="2025-09-03T12:00:00+00:00"),
    _status(3, "Cat Brown", "office", Status.NEVER, due=date(2026, 9, 15)),
    _status(4, "Dan Green", "lunchtime", Status.DUE_SOON, due=date(2026, 12, 1)),
    _status(5, "Eve White", "office", Status.LEAVER),
    _status(1, "Ann Smith", "teacher", Status.NEVER, policy="phones", due=date(2026, 10, 1)),
]


def _page_text(pdf: bytes) -> str:
    """The drawn text (ASCII is written as itself by reportlab, so a plain search finds names)."""
    streams = re.findall(rb"/FlateDecode.*?stream\r?\n(.*?)endstream", pdf, re.S)
    return b"\n".join(zlib.decompress(s) for s in streams if s[:1] == b"x").decode("latin-1")


def test_counts_by_status_and_role_and_the_late_list():
    social, phones = summarise(SCHOOL, [SOCIAL, PHONES])
    assert (social.title, social.version) == ("Social Media Policy", "2026 edition")
    assert social.by_status == {Status.ACKNOWLEDGED: 1, Status.DUE_SOON: 1, Status.OVERDUE: 1,
                                Status.NEVER: 1, Status.LEAVER: 1}
    assert social.current_staff == 4
    roles = dict(social.by_role)
    assert list(roles) == ["Teacher", "Office", "Lunchtime"]  # the policy's order of roles
    assert roles["Office"] == {Status.ACKNOWLEDGED: 0, Status.DUE_SOON: 0, Status.OVERDUE: 0,
                               Status.NEVER: 1, Status.LEAVER: 1}
    # Overdue and never both listed, the longest overdue first; leavers counted, never listed.
    assert [(p.name, p.status) for p in social.late] == [("Cat Brown", Status.NEVER),
                                                         ("Bob Jones", Status.OVERDUE)]
    bob = social.late[1]
    assert (bob.last_version, bob.last_acknowledged, bob.due) == ("2025 edition", date(2025, 9, 3),
                                                                  date(2026, 10, 1))
    assert [p.name for p in phones.late] == ["Ann Smith"] and phones.by_status[Status.NEVER] == 1
    assert report_title([SOCIAL]) == "Social Media Policy — staff acknowledgement status"


def test_only_the_policies_asked_about_are_reported():
    only_social = [s for s in SCHOOL if s.policy_id == "social-media"]
    assert [s.policy_id for s in summarise(only_social, [SOCIAL, PHONES])] == ["social-media"]
    assert [s.policy_id for s in summarise([], [SOCIAL, PHONES])] == ["social-media", "phones"]


def test_the_pdf_names_the_late_not_the_leavers_and_is_the_same_each_time():
    pdf = status_report_pdf(SCHOOL, school="Holbrook Primary", policies=[SOCIAL, PHONES], today=TODAY)
    assert pdf.startswith(b"%PDF") and pdf == status_report_pdf(SCHOOL, school="Holbrook Primary",
                                                                 policies=[SOCIAL, PHONES], today=TODAY)
    text = _page_text(pdf)
    for shown in ("Holbrook Primary", "24 November 2026", "Bob Jones", "Cat Brown", "Mobile Phones Policy",
                  "2025 edition, 3 Sep 2025", "Never acknowledged", "1 Oct 2026", "Page 1"):
        assert shown in text
    assert "Eve White" not in text and "Dan Green" not in text  # a leaver; someone merely due soon


def test_a_long_list_runs_onto_more_pages_with_its_headings_repeated():
    late = [_status(n, f"Person {n:03d}", "teacher", Status.OVERDUE) for n in range(1, 181)]
    pdf = status_report_pdf(late, school="Holbrook Primary", policies=[SOCIAL], today=TODAY)
    pages = pdf.count(b"/Type /Page\n")
    assert pages >= 3
    text = _page_text(pdf)
    assert "Person 001" in text and "Person 180" in text and f"Page {pages}" in text
    assert text.count("(Last acknowledged)") == pages  # the list's header row on every page


def test_cli_writes_the_report(tmp_path, capsys):
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "staff", "add", "--name", "Ann Smith", "--role", "teacher",
                 "--start-date", "2024-09-01"]) == 0
    out = tmp_path / "report.pdf"
    assert main(["--data-dir", data, "export", "report", "-o", str(out), "--policy", "social-media"]) == 0
    assert "wrote the status report (1 person)" in capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF") and "Ann Smith" in _page_text(out.read_bytes())
    assert main(["--data-dir", data, "export", "report", "-o", str(out), "--policy", "nope"]) == 2
    assert main(["--data-dir", data, "export", "report", "-o", str(tmp_path / "no" / "r.pdf")]) == 2
