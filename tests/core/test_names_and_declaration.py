"""Issue 15 (11–13): one rule for "the same name", the typed-name check, and the school's own name in
the declaration that is shown and signed."""

from datetime import date

import pytest

from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused
from holbrook_desktop.core.names import fold, name_key
from holbrook_desktop.core.records import NewStaffMember
from tests.core.test_attestation_flow import SIGNATURE, _passed, school  # noqa: F401 (a fixture)
from tests.core.test_quiz_records import content  # noqa: F401 (a fixture)


@pytest.mark.parametrize(("typed", "recorded"), [
    ("Sian O'Neill", "Siân O’Neill"),
    ("sian oneill", "Siân O’Neill"),
    ("SIÂN  O‘NEILL", "Siân O’Neill"),
    ("Zoe Lukasiewicz", "Zoë Łukasiewicz"),
    ("Soren Aero-Strasse", "Søren Ærø-Straße"),
])
def test_names_match_ignoring_case_accents_apostrophes_and_spaces(typed, recorded):
    assert name_key(typed) == name_key(recorded)


def test_different_names_still_differ():
    assert name_key("Sian O'Neil") != name_key("Siân O’Neill")
    assert name_key("Ann Smith") != name_key("Anne Smith")


def test_the_start_screen_search_uses_the_same_folding():
    from holbrook_desktop.ui.session import staff_list_model  # the search's own fold is this one

    assert staff_list_model.fold is fold


def test_sian_oneill_signs_as_typed_and_the_name_is_kept_as_typed(school):  # noqa: F811
    service, store = school
    _passed(service, store, name="Siân O’Neill")
    record = service.attestation.acknowledge("social-media", typed_name="Sian  O'Neill", declared=True,
                                             signature=SIGNATURE)
    assert record.typed_name == "Sian O'Neill"


def test_a_different_name_is_still_refused(school):  # noqa: F811
    service, store = school
    _passed(service, store, name="Siân O’Neill")
    with pytest.raises(AcknowledgementRefused, match="does not match") as refused:
        service.attestation.acknowledge("social-media", typed_name="Sian O'Neil", declared=True,
                                        signature=SIGNATURE)
    assert refused.value.field == "name"


def test_the_declaration_names_the_school_from_the_set_up(school):  # noqa: F811
    service, store = school
    service.admin.set_school_name("St Mary’s C of E Primary")
    _passed(service, store, name="Ann Smith")
    offer = service.attestation.offer("social-media")
    assert "St Mary’s C of E Primary" in offer.declaration and "Holbrook Primary" not in offer.declaration
    assert offer.school == "St Mary’s C of E Primary"
    record = service.attestation.acknowledge("social-media", typed_name="Ann Smith", declared=True,
                                             signature=SIGNATURE)
    assert "St Mary’s C of E Primary" in record.declaration_text
    assert "Holbrook Primary" not in record.declaration_text
    check = service.attestation.verify(service.attestation.pdf(record))
    assert check.ok, check.problems


def test_without_a_set_up_name_the_policy_names_the_school(school):  # noqa: F811
    service, _store = school
    service.hr.add_staff(NewStaffMember("Ben Jones", "teacher", date(2026, 9, 1)))
    assert "Holbrook Primary" in service.attestation.declaration_text("social-media")


def test_similar_staff_ignores_accents_case_apostrophes_and_finds_preferred_names(school):  # noqa: F811
    service, _store = school
    sian = service.hr.add_staff(NewStaffMember("Siân O’Neill", "teacher", date(2026, 9, 1)))
    jo = service.hr.add_staff(NewStaffMember("Joanna Smith", "office", date(2025, 1, 6), preferred_name="Jo"))
    service.hr.add_staff(NewStaffMember("Sian O'Neil", "teacher", date(2026, 9, 1)))
    assert [m.id for m in service.hr.similar_staff("sian o'neill")] == [sian.id]
    assert [m.id for m in service.hr.similar_staff("JO SMITH")] == [jo.id]
    assert service.hr.similar_staff("Priya Shah") == [] and service.hr.similar_staff("  ") == []
