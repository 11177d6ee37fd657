"""Writing to the records store: full disks, read-only files, any name a person can have, duplicates."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import DuplicateStaff, NewStaffMember, Store, StoreWriteError

ACTOR = Actor("office", "window")
START = date(2026, 9, 1)


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path, ACTOR)
    yield opened
    opened.close()


def counts(store: Store) -> tuple[int, int]:
    return store.staff.count(), store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def person(name: str, **extra) -> NewStaffMember:
    return NewStaffMember(name, "teacher", START, **extra)


# --- the disk fills up, the file turns read-only ------------------------------------------------


def test_a_full_disk_stops_a_change_whole_and_the_store_carries_on_afterwards(store):
    store.staff.add(person("Before The Disk Filled"))
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow: SQLITE_FULL

    for i in range(500):  # adds fit in the free space of existing pages until one does not
        before = counts(store)
        try:
            store.staff.add(person(f"Newcomer {i}", staff_number=f"N{i}"))
        except StoreWriteError as exc:
            failed, message = f"Newcomer {i}", str(exc)
            break
    else:
        pytest.fail("the disk never filled up")

    assert message == "The change was not saved: the disk is full. Free some space and try again."
    assert counts(store) == before, "the staff row or its audit row was half-written"
    assert failed not in [m.full_name for m in store.staff.list()]
    assert not store.db.conn.in_transaction

    store.db.execute("PRAGMA max_page_count = 1073741823")  # space freed
    added = store.staff.add(person(failed, staff_number="N-again"))
    assert store.staff.get(added.id) == added
    assert counts(store) == (before[0] + 1, before[1] + 1)
    assert store.verify_audit().ok


def test_a_read_only_database_refuses_a_change_whole_and_the_store_carries_on_afterwards(store):
    store.staff.add(person("Before It Went Read Only"))
    before = counts(store)
    store.db.execute("PRAGMA query_only = ON")

    with pytest.raises(StoreWriteError) as refused:
        store.staff.add(person("Not Saved"))

    assert str(refused.value) == ("The change was not saved: the records folder is read-only for this "
                                  "account.")
    assert counts(store) == before
    assert not store.db.conn.in_transaction
    store.db.execute("PRAGMA query_only = OFF")
    store.staff.add(person("Saved Later"))
    assert [m.full_name for m in store.staff.list()] == ["Before It Went Read Only", "Saved Later"]
    assert store.verify_audit().ok


# --- names -----------------------------------------------------------------------------------------

NAMES = [
    "Siobhán O'Connell-Ní Bhriain",          # apostrophe, accent, hyphen
    "D'Arcy O’Brien",                         # straight and curly apostrophes
    "François Lefèvre-Çelik",
    "Zoë Ångström",
    "Gwenllïan ap Dafydd",
    "Siôn Llŷr Ŵyn",                          # Welsh circumflexes: ŵ ŷ
    "Łucja Żółkiewska-Świętosławska",         # Polish: ł ż ś ó
    "محمد عبد الله",                          # Arabic (right-to-left)
    "דוד כהן",                                # Hebrew (right-to-left)
    "Ana 👩‍🏫 Teacher",                          # emoji with a zero-width joiner
    "Robert'); DROP TABLE staff;--",          # a name is data, never SQL
    "Nguyễn Thị Minh Khai",                   # stacked diacritics
    "O'Brien",
]


def test_names_in_any_script_come_back_exactly(tmp_path):
    assert all(unicodedata.is_normalized("NFC", name) and " ".join(name.split()) == name for name in NAMES)
    store = Store.open(tmp_path, ACTOR)
    ids = {store.staff.add(person(name, preferred_name=name.split()[0])).id: name for name in NAMES}
    store.close()

    reopened = Store.open(tmp_path, ACTOR)
    listed = {m.id: m for m in reopened.staff.list()}
    assert {i: m.full_name for i, m in listed.items()} == ids
    assert {i: m.preferred_name for i, m in listed.items()} == {i: n.split()[0] for i, n in ids.items()}
    assert all(reopened.staff.get(i) == m for i, m in listed.items())
    assert reopened.verify_audit().ok
    reopened.close()


def test_names_are_stored_composed_and_with_single_spaces(store):
    decomposed = unicodedata.normalize("NFD", "Zoë Siôn Łucja")
    assert decomposed != "Zoë Siôn Łucja"
    typed = store.staff.add(person(f"  {decomposed}\t \u00a0 Ŵyn  "))

    assert typed.full_name == "Zoë Siôn Łucja Ŵyn"
    assert [m.full_name for m in store.staff.list()] == ["Zoë Siôn Łucja Ŵyn"]


def test_a_staff_number_or_email_already_in_use_is_refused_and_nothing_is_written(store):
    store.staff.add(person("Alice Adams", staff_number="H001", work_email="alice.adams@holbrook.example"))
    before = counts(store)

    with pytest.raises(DuplicateStaff, match="Staff number H001 already belongs to someone else"):
        store.staff.add(person("Another Alice", staff_number="H001"))
    with pytest.raises(DuplicateStaff, match="already belongs to someone else"):
        store.staff.add(person("Another Alice", work_email="alice.adams@holbrook.example"))
    with pytest.raises(DuplicateStaff):  # emails are the same whatever their case
        store.staff.add(person("Another Alice", work_email="Alice.Adams@Holbrook.Example"))

    assert counts(store) == before
    assert store.verify_audit().ok
    store.staff.add(person("Another Alice", staff_number="H002", work_email="another.alice@holbrook.example"))
    assert store.staff.count() == 2
