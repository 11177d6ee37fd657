"""One error hierarchy: every exception the core defines is a Refused (the person can put it right) or
a Failure (they cannot), and still the builtin its callers already catch."""

import ast
import importlib
import inspect
import pkgutil
from datetime import date
from pathlib import Path

import pytest

import holbrook_desktop.core
from holbrook_desktop.core.admin.password import PasswordRefused
from holbrook_desktop.core.admin.school_profile import SchoolProfileRefused
from holbrook_desktop.core.admin.settings import SettingRefused
from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused
from holbrook_desktop.core.attestation.signing_key import (
    SigningKeyError,
    SigningKeyRefused,
    SigningKeyUnusable,
)
from holbrook_desktop.core.content.install import ContentRefused
from holbrook_desktop.core.dates import DateRefused
from holbrook_desktop.core.demo import DemoRefused
from holbrook_desktop.core.errors import (
    Failure,
    HolbrookError,
    InputRefused,
    NotFound,
    NotSignedIn,
    RecordsNotOpen,
    Refused,
    UnknownPolicy,
    UnknownStaff,
)
from holbrook_desktop.core.hr.staff_import import StaffImportError, StaffImportFileError, StaffImportStale
from holbrook_desktop.core.quiz.session import QuizNotReady
from holbrook_desktop.core.records.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseTooNew,
    DuplicateStaff,
    StoreError,
    StoreWriteError,
)
from tests.conftest import REAL_CONTENT, REPO

CORE = REPO / "holbrook_desktop" / "core"
# Bases that only group their kinds (a records problem, a signing-key problem): never raised themselves.
GROUPS = {HolbrookError, StoreError, SigningKeyError}


def _core_exceptions() -> list[type[BaseException]]:
    found = []
    for module_info in pkgutil.walk_packages(holbrook_desktop.core.__path__, "holbrook_desktop.core."):
        module = importlib.import_module(module_info.name)
        found += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, BaseException) and cls.__module__ == module.__name__]
    return found


CORE_EXCEPTIONS = _core_exceptions()


def test_the_walk_finds_the_cores_exceptions():
    assert {Refused, Failure, DatabaseDamaged, SigningKeyRefused, QuizNotReady, DateRefused,
            StaffImportStale} <= set(CORE_EXCEPTIONS)
    assert len(CORE_EXCEPTIONS) >= 25


@pytest.mark.parametrize("cls", CORE_EXCEPTIONS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_core_exception_is_refused_or_failure_never_both(cls):
    assert issubclass(cls, HolbrookError)
    kinds = issubclass(cls, Refused) + issubclass(cls, Failure)
    assert kinds == (0 if cls in GROUPS else 1)


@pytest.mark.parametrize(("cls", "kind"), [
    (AcknowledgementRefused, Refused), (QuizNotReady, Refused), (SchoolProfileRefused, Refused),
    (ContentRefused, Refused), (StaffImportError, Refused), (StaffImportFileError, Refused),
    (StaffImportStale, Refused), (DuplicateStaff, Refused), (PasswordRefused, Refused),
    (SettingRefused, Refused), (DemoRefused, Refused), (SigningKeyRefused, Refused),
    (DateRefused, Refused), (InputRefused, Refused), (NotFound, Refused), (UnknownStaff, Refused),
    (UnknownPolicy, Refused), (NotSignedIn, Refused),
    (DatabaseDamaged, Failure), (DatabaseTooNew, Failure), (DatabaseBusy, Failure),
    (StoreWriteError, Failure), (SigningKeyUnusable, Failure), (RecordsNotOpen, Failure),
])
def test_each_kind_as_decided(cls, kind):
    assert issubclass(cls, kind)


# What callers caught before, they still catch ---------------------------------------------------

@pytest.mark.parametrize(("made", "old"), [
    (lambda: PasswordRefused("x"), ValueError),
    (lambda: SettingRefused("x"), ValueError),
    (lambda: SchoolProfileRefused("x"), ValueError),
    (lambda: StaffImportFileError(Path("a.csv"), "x"), ValueError),
    (lambda: DateRefused("x"), ValueError),
    (lambda: InputRefused("x"), ValueError),
    (lambda: UnknownStaff(3), KeyError),
    (lambda: UnknownPolicy("p"), KeyError),
    (lambda: NotSignedIn("x"), RuntimeError),
    (lambda: RecordsNotOpen("x"), RuntimeError),
    (lambda: DuplicateStaff("x"), StoreError),
    (lambda: DatabaseBusy(Path("r.db")), StoreError),
    (lambda: DatabaseDamaged(Path("r.db"), "x", []), StoreError),
    (lambda: DatabaseTooNew(Path("r.db"), 9, 8), StoreError),
    (lambda: StoreWriteError("x"), StoreError),
    (lambda: SigningKeyRefused("x"), SigningKeyError),
    (lambda: SigningKeyUnusable("x"), SigningKeyError),
])
def test_the_old_types_still_catch_them(made, old):
    with pytest.raises(old):
        raise made()


@pytest.mark.parametrize(("error", "message"), [
    (UnknownStaff(99), "There is no member of staff with number 99."),
    (UnknownPolicy("fire-safety"), "There is no policy 'fire-safety' in the handbook."),
    (NotFound("No such record."), "No such record."),  # not KeyError's quoted repr
])
def test_not_found_says_what_in_words(error, message):
    assert str(error) == message


def test_the_core_raises_them_where_it_raised_bare_builtins(tmp_path):
    from holbrook_desktop.app import App
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import NewStaffMember, Store

    without_records = App(REAL_CONTENT)
    with pytest.raises(UnknownPolicy):
        without_records.content.policy_document("no-such-policy")
    with pytest.raises(UnknownPolicy):
        without_records.reading.progress("no-such-policy")
    with pytest.raises(RecordsNotOpen):
        without_records.sign_in(1)
    store = Store.open(tmp_path / "data", Actor("x", "window"))
    try:
        service = App(REAL_CONTENT, records=store)
        with pytest.raises(UnknownStaff):
            service.sign_in(42)
        with pytest.raises(UnknownStaff):
            store.staff.mark_leaver(42, date(2027, 7, 23))
        with pytest.raises(UnknownStaff):
            service.attestation.acknowledge_on_behalf(42, service.content.policies[0].id, note="paper form")
        with pytest.raises(InputRefused, match="full name is needed"):
            NewStaffMember("  ", "teacher", date(2024, 9, 1)).validated()
        member = service.hr.add_staff(NewStaffMember("Ann Smith", "teacher", date(2024, 9, 1)))
        with pytest.raises(InputRefused, match="before the start date 1 September 2024"):
            store.staff.mark_leaver(member.id, date(2020, 1, 1))
        with pytest.raises(NotSignedIn):
            service.require_session()
    finally:
        store.close()


# Nothing raises a bare group, or a bare KeyError/RuntimeError for a domain reason ------------------

def _raised_names() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and \
                    isinstance(node.exc.func, ast.Name):
                found.append((str(path.relative_to(CORE)), node.lineno, node.exc.func.id))
    return found


def test_no_group_and_no_bare_key_or_runtime_error_is_raised():
    banned = {cls.__name__ for cls in GROUPS} | {"Exception", "KeyError", "RuntimeError", "LookupError"}
    assert [found for found in _raised_names() if found[2] in banned] == []


# A bare ValueError is left only for a programmer's mistake (a bug, not anything a person did).
BARE_VALUE_ERRORS = {
    "attestation/pdf.py": 3,  # unknown method, a naive time, a record too long for one page
    "attestation/pdf_signature.py": 2,  # asked to sign what is not our unsigned PDF
    "records/acknowledgements.py": 2,  # unknown method; an earlier date on a record not on-behalf
    "records/audit.py": 1,  # erasing rows after the erasing row
    "records/quiz_attempts.py": 1,  # answering an attempt that is not in progress
    "quiz/service.py": 1,  # unknown quiz mode
    "dates.py": 1,  # a clock without a time zone
}


def test_bare_value_errors_only_where_listed():
    counted: dict[str, int] = {}
    for where, _line, name in _raised_names():
        if name == "ValueError":
            counted[where] = counted.get(where, 0) + 1
    assert counted == BARE_VALUE_ERRORS
