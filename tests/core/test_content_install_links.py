"""Installing content never follows a link out of the folder, and its size limit counts what is copied."""

from __future__ import annotations

import os

import pytest

from holbrook_desktop.core.content import install as content_install
from holbrook_desktop.core.content.install import ContentRefused, install, installed_content_dir
from tests.core.test_content_install import _run

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")


@pytest.fixture
def secret(tmp_path):
    """Something this account can read that has no place in the school's data folder."""
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n", encoding="utf-8")
    return folder


def test_a_link_anywhere_is_refused_by_name_and_nothing_is_installed(tmp_path, content_copy, secret, capsys):
    to_file = content_copy / "policies" / "social-media" / "notes.md"
    to_file.symlink_to(secret / "id_rsa")
    to_folder = content_copy / "policies" / "extra"
    to_folder.symlink_to(secret, target_is_directory=True)
    data = tmp_path / "data"
    with pytest.raises(ContentRefused) as refused:
        install(content_copy, data)
    assert sorted(str(d) for d in refused.value.check.errors) == sorted([
        f"{to_folder}:0: error: a link (to {secret}) is not allowed in a content folder: only the folder's "
        "own files are installed. Put the file itself here instead",
        f"{to_file}:0: error: a link (to {secret / 'id_rsa'}) is not allowed in a content folder: only the "
        "folder's own files are installed. Put the file itself here instead"])
    assert "holds 2 links or other special files; nothing was changed" in str(refused.value)
    assert installed_content_dir(data) is None
    assert not data.exists()  # refused before anything was copied
    code, _, err = _run(capsys, "--data-dir", str(data), "content", "install", str(content_copy))
    assert code == 1
    assert f"{to_file}:0: error: a link (to {secret / 'id_rsa'}) is not allowed" in err
    assert "holbrook: refused:" in err


def test_a_link_that_appears_while_copying_is_never_followed(tmp_path, content_copy, secret, monkeypatch):
    check_folder = content_install.check_folder
    late = content_copy / "policies" / "social-media" / "late.md"

    def check_then_plant_a_link(folder):
        checked = check_folder(folder)
        if folder == content_copy.resolve() and not late.is_symlink():
            late.symlink_to(secret / "id_rsa")
        return checked

    monkeypatch.setattr(content_install, "check_folder", check_then_plant_a_link)
    data = tmp_path / "data"
    with pytest.raises(ContentRefused, match="appeared while the folder was being copied") as refused:
        install(content_copy, data)
    assert [d.path for d in refused.value.check.errors] == [late]
    assert installed_content_dir(data) is None and not list(data.glob(".content-incoming-*"))


def test_the_size_limit_counts_what_is_copied(tmp_path, content_copy, secret, monkeypatch):
    monkeypatch.setattr(content_install, "MAX_BYTES", 1024 * 1024)
    # Left out of the copy (hidden, an editor's clutter): not counted.
    (content_copy / ".git").mkdir()
    (content_copy / ".git" / "pack").write_bytes(b"\0" * 3 * 1024 * 1024)
    (content_copy / "Thumbs.db").write_bytes(b"\0" * 2 * 1024 * 1024)
    installed = install(content_copy, tmp_path / "data")
    assert not (installed.folder / ".git").exists() and not (installed.folder / "Thumbs.db").exists()
    # Copied: counted.
    (content_copy / "policies" / "scan.png").write_bytes(b"\0" * 2 * 1024 * 1024)
    with pytest.raises(ContentRefused, match="does not look like a content folder"):
        install(content_copy, tmp_path / "data")
    # A link to a big file is refused as a link, neither counted nor copied.
    (content_copy / "policies" / "scan.png").unlink()
    big = secret / "video.mp4"
    big.write_bytes(b"\0" * 2 * 1024 * 1024)
    (content_copy / "policies" / "video.mp4").symlink_to(big)
    with pytest.raises(ContentRefused, match="holds 1 link or other special file"):
        install(content_copy, tmp_path / "data")
