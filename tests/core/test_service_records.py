"""Signing in on a shared PC: reading progress belongs to the person signed in."""

from datetime import date

import pytest

from holbrook_desktop.app import App
from holbrook_desktop.core.content.render import Location
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from tests.conftest import REAL_CONTENT


class FakeClock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    yield opened
    opened.close()


def _read_section(service, clock, number):
    service.reading.open_section(Location("social-media", number))
    clock.now += 600
    return service.reading.end_of_section_seen()


def test_progress_is_kept_per_person_in_the_records(store):
    clock = FakeClock()
    service = App(REAL_CONTENT, records=store, reading_clock=clock)
    ann = service.hr.add_staff(NewStaffMember("Ann Smith", "teacher", date(2026, 9, 1)))
    ben = service.hr.add_staff(NewStaffMember("Ben Jones", "volunteer", date(2026, 9, 1)))
    service.sign_in(ann.id)
    assert _read_section(service, clock, "5") is True
    assert service.reading.progress("social-media").read_sections == {"5"}
    service.sign_in(ben.id)
    assert service.reading.progress("social-media").read == 0
    service.sign_in(ann.id)
    assert service.reading.progress("social-media").read_sections == {"5"}
    # The version read is on record, and the audit log says who did it.
    [version] = store.policy_versions.all()
    assert version["sha256"] == service.content.policy("social-media").sha256
    rows = store.db.execute("SELECT staff_id, os_user, action FROM audit_log "
                            "WHERE action = 'progress.read'").fetchall()
    assert rows == [(ann.id, "office-pc", "progress.read")]
    assert store.verify_audit().ok


def test_after_sign_out_nothing_is_written_for_anyone(store):
    clock = FakeClock()
    service = App(REAL_CONTENT, records=store, reading_clock=clock)
    ann = service.hr.add_staff(NewStaffMember("Ann Smith", "teacher", date(2026, 9, 1)))
    service.sign_in(ann.id)
    service.sign_out()
    assert service.signed_in is None
    _read_section(service, clock, "1")
    count = store.db.execute("SELECT count(*) FROM reading_progress").fetchone()[0]
    assert count == 0


def test_first_opened_is_recorded_when_a_section_is_opened(store):
    service = App(REAL_CONTENT, records=store, reading_clock=FakeClock())
    ann = service.hr.add_staff(NewStaffMember("Ann Smith", "teacher", date(2026, 9, 1)))
    service.sign_in(ann.id)
    service.reading.open_section(Location("social-media", "7"))
    row = store.db.execute("SELECT section_number, first_opened, completed_at "
                           "FROM reading_progress").fetchone()
    assert row[0] == "7" and row[1] and row[2] is None


def test_signing_in_an_unknown_person_is_refused(store):
    service = App(REAL_CONTENT, records=store)
    with pytest.raises(KeyError):
        service.sign_in(999)
