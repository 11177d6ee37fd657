"""The README's first commands stay true: CI runs the very test command the README gives."""

import re

from tests.conftest import REPO


def _commands(markdown: str) -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", markdown)


def test_readme_opens_with_install_and_test_commands_and_ci_runs_the_test_one():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    install, test = _commands(readme)[:2]
    assert install.endswith(".venv/bin/holbrook")
    assert "pytest" in test
    ci_script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci_script.splitlines()


def test_readme_lists_the_qt_system_libraries():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for library in ("libegl1", "libgl1", "libfontconfig1", "libxkbcommon0", "libglib2.0-0",
                    "libdbus-1-3", "libxkbcommon-x11-0", "libxcb-cursor0"):
        assert library in readme
