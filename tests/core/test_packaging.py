"""The packaging recipes: the PyInstaller spec and the Inno Setup script keep the promises the app and
the README rely on (a per-machine install, a shared data folder every user can write, data kept on
uninstall, content and resources bundled where paths.py looks). Nothing here needs PyInstaller or
Windows, except where it says so and skips."""

from __future__ import annotations

import ast
import re
import sys

import pytest

from holbrook_desktop import APP_NAME, __version__
from holbrook_desktop.core import paths
from tests.conftest import REPO

PACKAGING = REPO / "packaging"
SPEC = PACKAGING / "holbrook.spec"
ISS = PACKAGING / "windows" / "holbrook.iss"

sys.path.insert(0, str(PACKAGING))
import spec_support  # noqa: E402

# The Inno Setup script ----------------------------------------------------------------------

def iss_sections(text: str) -> dict[str, list[str]]:
    """Lines of each [Section], comments and blank lines left out; [Setup] directives as 'Key=Value'."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1).lower()
            sections.setdefault(current, [])
        else:
            sections[current].append(line)
    return sections


def iss_defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'^\s*#define\s+(\w+)\s+"([^"]*)"', text, re.MULTILINE))


def setup_directives(sections: dict[str, list[str]]) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in sections["setup"] if "=" in line and not line.startswith("#"))
    return {key.strip().lower(): value.strip() for key, value in pairs}


def entry(line: str) -> dict[str, str]:
    """'Name: "x"; Permissions: users-modify' → {'name': 'x', 'permissions': 'users-modify'}."""
    parts = (part.split(":", 1) for part in line.split(";") if ":" in part)
    return {key.strip().lower(): value.strip().strip('"') for key, value in parts}


def expand(value: str, defines: dict[str, str]) -> str:
    return re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], value)


@pytest.fixture(scope="module")
def iss():
    text = ISS.read_text(encoding="utf-8")
    return text, iss_sections(text), iss_defines(text)


def test_the_installer_is_per_machine_into_program_files(iss):
    _text, sections, _defines = iss
    setup = setup_directives(sections)
    assert setup["privilegesrequired"] == "admin"
    assert setup["defaultdirname"].startswith(("{autopf}", "{commonpf}"))


def test_the_shared_data_folder_is_where_the_app_looks_and_every_user_may_modify_it(iss):
    _text, sections, defines = iss
    dirs = [entry(expand(line, defines)) for line in sections["dirs"]]
    shared = [d for d in dirs if d["name"].startswith("{commonappdata}")]
    assert len(shared) == 1, dirs
    # platformdirs.site_data_dir(APP_NAME, appauthor=False) is {commonappdata}\<APP_NAME> on Windows.
    assert shared[0]["name"] == "{commonappdata}\\" + APP_NAME
    assert "users-modify" in shared[0]["permissions"].split()
    assert "uninsneveruninstall" in shared[0]["flags"].split()
    assert defines["MachineConfig"] == paths.MACHINE_CONFIG_FILE  # site_config_dir is the same folder


def test_uninstalling_never_deletes_the_data(iss):
    text, sections, defines = iss
    for line in sections.get("uninstalldelete", []):
        assert "{commonappdata}" not in expand(line, defines), line
    assert "DelTree" not in text and "uninsdelete" not in text.lower()


def test_the_version_comes_from_the_build_not_the_script(iss):
    text, sections, defines = iss
    assert "AppVersion" not in defines  # only #ifndef … #error: build.ps1 passes /DAppVersion
    assert re.search(r"#ifndef AppVersion\s+#error", text)
    setup = setup_directives(sections)
    assert setup["appversion"] == "{#AppVersion}"
    assert "{#AppVersion}" in setup["outputbasefilename"]


def test_the_installer_takes_the_folder_and_executables_the_spec_makes(iss):
    _text, sections, defines = iss
    assert re.split(r"[\\/]", defines["DistDir"])[-2:] == ["dist", spec_support.BUNDLE_NAME]
    assert defines["WindowedExe"] == spec_support.WINDOWED_EXE + ".exe"
    assert defines["ConsoleExe"] == spec_support.CONSOLE_EXE + ".exe"
    files = [entry(line) for line in sections["files"]]
    assert any(f["source"].startswith("{#DistDir}") and "recursesubdirs" in f["flags"] for f in files)
    icons = [entry(expand(line, defines)) for line in sections["icons"]]
    assert any(i["filename"] == "{app}\\" + spec_support.WINDOWED_EXE + ".exe" for i in icons)


def test_datadir_writes_the_machine_setting_where_paths_reads_it(iss):
    text, _sections, _defines = iss
    assert "{param:DATADIR|}" in text
    assert "SaveStringsToUTF8FileWithoutBOM" in text  # tomllib refuses a byte-order mark
    assert re.search(r"'data_dir = '", text)


# The PyInstaller spec -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def spec_calls():
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    calls: dict[str, list[ast.Call]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            calls.setdefault(node.func.id, []).append(node)
    return calls


def keyword(call: ast.Call, name: str) -> ast.expr:
    return next(k.value for k in call.keywords if k.arg == name)


def test_the_spec_bundles_content_and_resources_where_paths_looks(spec_calls):
    (analysis,) = spec_calls["Analysis"]
    datas = keyword(analysis, "datas")
    assert isinstance(datas, ast.List)
    pairs = {}
    for item in datas.elts:
        assert isinstance(item, ast.Tuple) and isinstance(item.elts[1], ast.Constant)
        pairs[item.elts[1].value] = ast.unparse(item.elts[0])
    # paths looks in sys._MEIPASS/content, sys._MEIPASS/resources and sys._MEIPASS/LICENSE (About).
    assert pairs == {"content": "str(REPO / 'content')", "resources": "str(REPO / 'resources')",
                     ".": "str(REPO / 'LICENSE')"}


def test_the_spec_makes_a_one_folder_bundle_with_the_shared_names(spec_calls):
    (collect,) = spec_calls["COLLECT"]
    assert ast.unparse(keyword(collect, "name")) == "spec_support.BUNDLE_NAME"
    (exe,) = spec_calls["EXE"]
    assert ast.unparse(keyword(exe, "exclude_binaries")) == "True"  # one folder, not one file
    assert "a.binaries" in ast.unparse(collect)


def test_the_spec_leaves_out_what_the_app_does_not_use():
    assert {"tkinter", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtWebEngineCore",
            "PySide6.Qt3DCore"} <= set(spec_support.EXCLUDES)
    used = set(re.findall(r"PySide6\.(Qt\w+)", "\n".join(
        p.read_text(encoding="utf-8") for p in (REPO / "holbrook_desktop").rglob("*.py"))))
    assert used, "the app imports Qt modules"
    assert not {f"PySide6.{name}" for name in used} & set(spec_support.EXCLUDES)
    assert spec_support.is_qt_translation("PySide6/Qt/translations/qtbase_de.qm")
    assert not spec_support.is_qt_translation("resources/reader.css")


def test_the_version_is_read_from_the_app():
    assert spec_support.app_version() == __version__
    assert spec_support.version_numbers("1.2.3") == (1, 2, 3, 0)
    assert spec_support.version_numbers("2.0rc1") == (2, 0, 1, 0)
    assert spec_support.version_numbers("3") == (3, 0, 0, 0)


def test_the_windows_version_resource_names_the_version():
    pytest.importorskip("PyInstaller.utils.win32.versioninfo", reason="needs pefile (Windows)")
    info = str(spec_support.windows_version_info("1.4.2", "holbrook"))
    assert "filevers=(1, 4, 2, 0)" in info
    assert "'FileVersion', '1.4.2'" in info and "'OriginalFilename', 'holbrook.exe'" in info


def test_build_output_is_not_committed():
    ignored = {line.strip() for line in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()}
    assert {"build/", "dist/"} <= ignored
