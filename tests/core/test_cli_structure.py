"""The command line's shape: one module per noun, each importing only `cli.common` (and the core), with
nothing private reached across modules and no import cycle. Read from the source with `ast`."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

CLI = REPO / "holbrook_desktop" / "cli"
PACKAGE = "holbrook_desktop.cli"
# Not command modules: the helpers every command shares, the package that composes the parser from
# the command modules, and `python -m holbrook_desktop.cli`.
SHARED, COMPOSER, RUNNER = "common", "__init__", "__main__"


def _modules(folder: Path) -> dict[str, Path]:
    return {path.stem: path for path in sorted(folder.glob("*.py"))}


def _imports(stem: str, path: Path, package: str, known: set[str]):
    """(line, module imported, name imported or None, bound to) for each import of the package's own
    modules; `from package import module` counts as importing that module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parent = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == package or alias.name.startswith(package + "."):
                    module = alias.name.removeprefix(package).lstrip(".") or COMPOSER
                    yield node.lineno, module, None, alias.asname
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x / from .x import y
                base = package if stem == COMPOSER or node.level == 1 else parent
                base = ".".join(filter(None, [base, node.module]))
            else:
                base = node.module or ""
            for alias in node.names:
                bound = alias.asname or alias.name
                if base == parent and alias.name == package.rpartition(".")[2]:
                    yield node.lineno, COMPOSER, None, bound  # from holbrook_desktop import cli
                elif base == package and alias.name in known:
                    yield node.lineno, alias.name, None, bound  # from holbrook_desktop.cli import staff
                elif base == package:
                    yield node.lineno, COMPOSER, alias.name, bound  # from holbrook_desktop.cli import main
                elif base.startswith(package + "."):
                    yield node.lineno, base.removeprefix(package + "."), alias.name, bound


def cli_problems(folder: Path = CLI, package: str = PACKAGE) -> list[str]:
    """Each breach of the command line's shape, as "module:line: what"."""
    modules = _modules(folder)
    known = set(modules)
    commands = known - {SHARED, COMPOSER, RUNNER}
    problems: list[str] = []
    edges: dict[str, set[str]] = {stem: set() for stem in modules}
    for stem, path in modules.items():
        module_names: dict[str, str] = {}  # local name → a module of the package it stands for
        for line, module, name, bound in _imports(stem, path, package, known):
            where = f"{stem}:{line}"
            if module != stem:
                edges[stem].add(module)
            if name is not None and name.startswith("_"):
                problems.append(f"{where}: imports the private {name} from {module}")
            if name is None and bound:
                module_names[bound] = module
            if stem in commands and module in commands and module != stem:
                problems.append(f"{where}: command module {stem} imports command module {module}")
            if stem == SHARED and module in commands:
                problems.append(f"{where}: {stem} imports command module {module}")
            if stem in commands | {SHARED} and module == COMPOSER:
                problems.append(f"{where}: {stem} imports the package itself (import cli.common instead)")
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__") and isinstance(node.value, ast.Name)
                    and node.value.id in module_names):
                problems.append(f"{stem}:{node.lineno}: reaches the private {node.value.id}.{node.attr}")
    problems += [f"import cycle: {' -> '.join(cycle)}" for cycle in _cycles(edges)]
    return problems


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            found.append([*path[path.index(node):], node])
            return
        if node in done:
            return
        for child in sorted(edges.get(node, ())):
            visit(child, [*path, node])
        done.add(node)

    for start in sorted(edges):
        visit(start, [])
    return found


def test_the_cli_is_one_module_per_noun_sharing_only_cli_common():
    assert {SHARED, COMPOSER, "content", "staff", "export"} <= set(_modules(CLI))
    problems = cli_problems()
    assert not problems, "\n".join(problems)


def test_every_command_module_registers_its_noun_and_uses_only_public_helpers():
    for stem, path in _modules(CLI).items():
        if stem in (SHARED, COMPOSER, RUNNER):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert "register" in functions, f"{stem} has no register(commands)"
        imported = {(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                    for alias in node.names if (node.module or "").startswith(PACKAGE)}
        assert imported and all(module == f"{PACKAGE}.{SHARED}" for module, _ in imported), (stem, imported)


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "cli"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.py").write_text(text, encoding="utf-8")
    return folder


def test_the_check_finds_each_kind_of_breach(tmp_path):
    folder = _package(tmp_path, {
        "__init__": "from holbrook_desktop.cli import staff, content\n",
        "common": "def say(m): ...\ndef _hidden(): ...\nfrom holbrook_desktop.cli import staff\n",
        "content": "from holbrook_desktop.cli.common import _hidden, say\n"
                   "from holbrook_desktop import cli\n"
                   "def run():\n    cli._say('x')\n",
        "staff": "from holbrook_desktop.cli.content import run\nfrom . import common\n",
    })
    assert cli_problems(folder) == [
        "common:3: common imports command module staff",
        "content:1: imports the private _hidden from common",
        "content:2: content imports the package itself (import cli.common instead)",
        "content:4: reaches the private cli._say",
        "staff:1: command module staff imports command module content",
        "import cycle: __init__ -> content -> __init__",
        "import cycle: common -> staff -> common",
        "import cycle: content -> common -> staff -> content",
    ]


def test_the_check_passes_a_package_of_the_right_shape(tmp_path):
    folder = _package(tmp_path, {
        "__init__": "from holbrook_desktop.cli import content, staff\n"
                    "from holbrook_desktop.cli.common import EXIT_OK\n",
        "__main__": "from holbrook_desktop.cli import main\n",
        "common": "EXIT_OK = 0\ndef say(m): ...\ndef _own(): ...\n",
        "content": "from holbrook_desktop.cli.common import EXIT_OK, say\ndef _run(): say('x')\n",
        "staff": "from holbrook_desktop.cli.common import say\nfrom holbrook_desktop.core import paths\n",
    })
    assert cli_problems(folder) == []
