"""`holbrook --self-test`: passes on a good installation without touching the data folder, and fails,
naming the check, when something is wrong."""

from __future__ import annotations

import sys
import tempfile

import pytest

from holbrook_desktop.cli import main


@pytest.fixture
def private_temp(tmp_path, monkeypatch):
    """The self-test's temporary folder goes here, so the test can see it is removed."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_self_test_passes_and_leaves_nothing_behind(qapp, tmp_path, private_temp, capsys):
    data_dir = tmp_path / "data"
    assert main(["--data-dir", str(data_dir), "--self-test"]) == 0
    err = capsys.readouterr().err
    for check in ("resources", "content", "quiz banks", "records", "admin password", "attestation",
                  "export", "window"):
        assert f"ok    {check}: " in err, err
    assert "FAIL" not in err and "self-test passed" in err
    assert not data_dir.exists()  # the real data folder is never opened
    assert list(private_temp.iterdir()) == []  # the temporary database is gone


def test_content_with_an_error_fails_the_self_test(qapp, tmp_path, private_temp, make_content, capsys):
    broken = make_content({"broken": "no front matter here\n"})
    assert main(["--data-dir", str(tmp_path / "data"), "--content", str(broken), "--self-test"]) == 1
    err = capsys.readouterr().err
    assert "FAIL  content: " in err and "missing front matter" in err
    assert err.rstrip().endswith("self-test failed: content")
    assert list(private_temp.iterdir()) == []


def test_content_without_a_policy_fails_the_self_test(qapp, tmp_path, make_content, capsys):
    empty = make_content({})
    assert main(["--data-dir", str(tmp_path / "data"), "--content", str(empty), "--self-test"]) == 1
    err = capsys.readouterr().err
    assert "FAIL  content: " in err and "no policies found" in err


def test_missing_resources_fail_the_self_test(qapp, tmp_path, monkeypatch, capsys):
    from holbrook_desktop.core import paths

    monkeypatch.setattr(paths, "resources_dir", lambda: tmp_path / "nowhere")
    monkeypatch.setattr(paths, "resource_path", lambda *parts: (tmp_path / "nowhere").joinpath(*parts))
    assert main(["--data-dir", str(tmp_path / "data"), "--self-test"]) == 1
    err = capsys.readouterr().err
    assert "FAIL  resources: missing from" in err and "DejaVuSans.ttf" in err


@pytest.mark.skipif(sys.platform == "darwin", reason="the .ico is made on the Windows build only")
def test_windows_icon_is_drawn_from_the_svg(qapp, tmp_path):
    """packaging/spec_support.make_windows_icon, which the spec runs on Windows only: tried here."""
    from PIL import Image

    from tests.conftest import REPO

    sys.path.insert(0, str(REPO / "packaging"))
    import spec_support

    ico = spec_support.make_windows_icon(REPO / "resources" / "icons" / "holbrook.svg", tmp_path / "h.ico")
    with Image.open(ico) as image:
        assert image.format == "ICO"
        assert {(16, 16), (32, 32), (256, 256)} <= set(image.info["sizes"])
        image.size = (256, 256)
        assert len(image.convert("RGBA").getcolors(256 * 256)) > 4  # drawn, not blank
