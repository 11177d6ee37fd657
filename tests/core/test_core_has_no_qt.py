"""The core and the command line run without Qt: on a server, in CI, in HR's scripts."""

import subprocess
import sys

from tests.conftest import REPO

SCRIPT = """
import sys, io, contextlib
import holbrook_desktop.app, holbrook_desktop.core.content.search
import holbrook_desktop.core.content.render
import holbrook_desktop.core.paths, holbrook_desktop.core.reading.progress
import importlib, pkgutil, holbrook_desktop.core
for found in pkgutil.walk_packages(holbrook_desktop.core.__path__, "holbrook_desktop.core."):
    importlib.import_module(found.name)  # every core module, attestation and signing included
from holbrook_desktop import cli
modules = [found.name for found in pkgutil.walk_packages(cli.__path__, "holbrook_desktop.cli.")]
assert "holbrook_desktop.cli.common" in modules and "holbrook_desktop.cli.staff" in modules, modules
for name in modules:
    importlib.import_module(name)  # every command-line module
with contextlib.redirect_stdout(io.StringIO()):
    assert cli.main(["content", "check"]) == 0
    assert cli.main(["content", "show", "--json"]) == 0
    assert cli.main(["search", "friend", "request"]) == 0
qt = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
print("QT:", qt)
"""


def test_core_and_cli_never_import_qt():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "QT: []" in result.stdout
