"""Handing out a signed PDF checks it first: against the SHA-256 recorded with the acknowledgement."""

from __future__ import annotations

import shutil
import sys

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.attestation.export import export_attestations
from holbrook_desktop.core.hr.subject_access import export_subject_access
from holbrook_desktop.core.records import SignedPdfUnusable
from tests.core.test_attestation_export import signed
from tests.core.test_attestation_export import store as store  # a fixture


def _run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _two_records(store):
    first = signed(store, "Ann Smith")
    second = signed(store, "Ben Jones")
    return first, second


def _swap(store, first, second):
    """Ann's file replaced by Ben's (a genuine PDF, but not the one signed for her)."""
    shutil.copyfile(store.acknowledgements.pdf_path(second), store.acknowledgements.pdf_path(first))


@pytest.mark.parametrize("damage", ["altered", "swapped", "missing"])
def test_the_one_core_read_refuses_a_file_that_is_not_the_one_signed(store, damage):
    first, second = _two_records(store)
    path = store.acknowledgements.pdf_path(first)
    if damage == "altered":
        path.write_bytes(path.read_bytes() + b"\n% edited")
    elif damage == "swapped":
        _swap(store, first, second)
    else:
        path.unlink()
    with pytest.raises(SignedPdfUnusable) as refused:
        store.acknowledgements.pdf_bytes(first)
    assert refused.value.record_id == first.id
    assert str(refused.value).startswith(f"Acknowledgement {first.id}: ")
    assert ("missing" if damage == "missing" else "changed or damaged") in str(refused.value)
    assert store.acknowledgements.pdf_bytes(second)  # the others are still handed out


def test_attestation_save_refuses_a_changed_file_with_its_record_number(store, tmp_path, capsys):
    first, second = _two_records(store)
    data = store.data_dir
    out = tmp_path / "copy.pdf"
    code, _, err = _run(capsys, "--data-dir", data, "attestation", "save", second.id, "-o", out)
    assert code == 0, err
    if sys.platform != "win32":
        assert out.stat().st_mode & 0o777 == 0o600  # it names a person
    _swap(store, first, second)
    code, _, err = _run(capsys, "--data-dir", data, "attestation", "save", first.id, "-o",
                        tmp_path / "ann.pdf")
    assert code == 1
    assert f"refused: Acknowledgement {first.id}:" in err and "changed or damaged" in err
    assert not (tmp_path / "ann.pdf").exists()
    store.acknowledgements.pdf_path(first).unlink()
    code, _, err = _run(capsys, "--data-dir", data, "attestation", "save", first.id, "-o",
                        tmp_path / "ann.pdf")
    assert code == 1 and f"Acknowledgement {first.id}:" in err and "missing" in err


def test_subject_access_refuses_a_changed_pdf_and_leaves_no_half_made_folder(store, tmp_path, capsys):
    first, second = _two_records(store)
    _swap(store, first, second)
    with pytest.raises(SignedPdfUnusable, match=f"Acknowledgement {first.id}: "):
        export_subject_access(store, first.staff_id, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    code, _, err = _run(capsys, "--data-dir", store.data_dir, "subject-access", "export", first.staff_id,
                        "-o", tmp_path / "cli")
    assert code == 1
    assert f"refused: Acknowledgement {first.id}:" in err and "Nothing was written" in err
    # Ben's own copy is unaffected.
    folder = export_subject_access(store, second.staff_id, tmp_path / "out")
    assert (folder / "attestation-000002.pdf").read_bytes() == store.acknowledgements.pdf_bytes(second)


def test_hrs_batch_export_uses_the_same_check(store, tmp_path):
    first, second = _two_records(store)
    _swap(store, first, second)
    result = export_attestations(store, tmp_path / "hr")
    assert result.copied == 1
    [(record_id, reason)] = result.missing
    with pytest.raises(SignedPdfUnusable) as refused:
        store.acknowledgements.pdf_bytes(first)
    assert (record_id, reason) == (first.id, refused.value.reason)
