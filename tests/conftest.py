"""Shared fixtures: the real content folder and a factory for small content folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REAL_CONTENT = REPO / "content"
POLICY_SOURCE = REPO.parent / "shared" / "policy" / "social-media-policy.txt"

FRONT_MATTER = """+++
id = "{id}"
title = "{title}"
school = "Holbrook Primary"
version = "test edition"
effective = 2026-09-01
review = 2027-09-01
owner = "Headteacher"
+++
"""


def policy_text(body: str, *, id: str = "sample", title: str = "Sample Policy") -> str:
    return FRONT_MATTER.format(id=id, title=title) + body


@pytest.fixture(autouse=True)
def _no_log_file_kept():
    """A command run in a test logs into its temporary data folder; the file is closed after it."""
    yield
    from holbrook_desktop.core.logs import close_log_file

    close_log_file()


@pytest.fixture
def make_content(tmp_path: Path):
    """Build a content folder: {policy_id: text or bytes} → content dir."""

    def build(policies: dict[str, str | bytes], name: str = "content") -> Path:
        root = tmp_path / name
        for policy_id, data in policies.items():
            folder = root / "policies" / policy_id
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "policy.md"
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        (root / "policies").mkdir(parents=True, exist_ok=True)
        return root

    return build


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content folder."""
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, target)
    return target


ADMIN_PASSWORD = "staffroom-kettle-7"


@pytest.fixture(autouse=True)
def _not_the_pc_administrator(monkeypatch):
    """These tests may run as root, which the command line trusts as the PC's administrator: they
    are run as an ordinary account unless a test says otherwise (access.pc_administrator patched)."""
    from holbrook_desktop.core.admin import access

    monkeypatch.setattr(access, "pc_administrator", lambda: False)


@pytest.fixture
def admin_cli(monkeypatch):
    """`run(data_dir, *args)`: the command line with the administrator password set in that data
    folder (once) and given on stdin with --password-stdin, as a script would."""
    import io

    from holbrook_desktop.cli import main

    done: set[str] = set()

    def run(data_dir: Path, *args: str, content: Path | None = None) -> int:
        if str(data_dir) not in done:
            monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
            assert main(["--data-dir", str(data_dir), "admin", "password", "set", "--password-stdin"]) == 0
            done.add(str(data_dir))
        monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
        given = ["--data-dir", str(data_dir)] + (["--content", str(content)] if content else [])
        return main([*given, *args, "--password-stdin"])

    return run


class _PasswordForEver:
    """stdin that gives the administrator password on every line asked for."""

    def readline(self, *_args) -> str:
        return ADMIN_PASSWORD + "\n"

    def read(self, *_args) -> str:
        return ADMIN_PASSWORD + "\n"

    def isatty(self) -> bool:
        return False


@pytest.fixture
def password_on_stdin(monkeypatch):
    """For a module's own command runner: stdin gives the administrator password whenever asked;
    `as_admin(argv)` adds --password-stdin to a command that needs it, and `set_admin_password(dir)`
    sets it in a data folder (as `holbrook admin password set --password-stdin` would)."""
    monkeypatch.setattr("sys.stdin", _PasswordForEver())


def as_admin(argv: list[str]) -> list[str]:
    """argv, with --password-stdin if the command is one that needs the administrator password."""
    from holbrook_desktop.cli import build_parser

    try:
        args, _rest = build_parser().parse_known_args(argv)
    except SystemExit:
        return argv
    return [*argv, "--password-stdin"] if getattr(args, "requires_admin", False) else argv


def set_admin_password(data_dir: str | Path) -> None:
    from holbrook_desktop.cli import main

    assert main(["--data-dir", str(data_dir), "admin", "password", "set", "--password-stdin"]) == 0
