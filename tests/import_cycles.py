"""Import cycles among holbrook_desktop's modules, read from the source with `ast` (nothing is imported).

    python -m tests.import_cycles [--exclude PREFIX ...] [--root FOLDER]

Two graphs are drawn. The first holds the imports that run when a module is loaded (module level,
including inside a top-level `if`/`try` or a class body, but not under `if TYPE_CHECKING:`): a cycle
there makes the result depend on which module is imported first, so each one is named and the exit
status is 1. The second adds the imports made inside functions and under TYPE_CHECKING: its cycles
are printed for information (an import deferred into a function may hide a cycle rather than remove
it), and do not change the exit status.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "holbrook_desktop"
ROOT = Path(__file__).resolve().parent.parent  # the folder holding the package
LOADED, IN_FUNCTION, TYPE_CHECKING_ONLY = "module level", "in a function", "under TYPE_CHECKING"


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    where: str  # LOADED (runs when the source module is loaded), IN_FUNCTION or TYPE_CHECKING_ONLY

    @property
    def at_load(self) -> bool:
        return self.where == LOADED


def modules(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Module name → file, for every .py file of the package."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: Iterable[str]) -> Iterator[Import]:
    known = set(known)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node, where in _walk(tree.body, LOADED):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _inside(alias.name, known)
                if target:
                    yield Import(name, target, node.lineno, where)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, is_package, node.module, node.level)
            for alias in node.names:
                # `from package import module` imports the module; `from module import name` the module.
                target = _inside(f"{base}.{alias.name}", known) if f"{base}.{alias.name}" in known else None
                target = target or _inside(base, known)
                if target:
                    yield Import(name, target, node.lineno, where)


def _walk(body: list[ast.stmt], where: str) -> Iterator[tuple[ast.stmt, str]]:
    """Every statement, with when it runs: a function's body only when the function is called."""
    for node in body:
        yield node, where
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _walk(node.body, IN_FUNCTION if where == LOADED else where)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _walk(node.body, TYPE_CHECKING_ONLY)
            yield from _walk(node.orelse, where)
        else:
            # Class bodies, if/try/with/for blocks: they run when the code around them does.
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                for child in getattr(node, field, ()) or ():
                    if isinstance(child, ast.stmt):
                        yield from _walk([child], where)
                    elif hasattr(child, "body"):  # an except handler or a match case
                        yield from _walk(child.body, where)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _absolute(name: str, is_package: bool, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    parts = name.split(".")
    if not is_package:
        parts.pop()
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, module] if module else parts)


def _inside(dotted: str, known: set[str]) -> str | None:
    """The longest known module that `dotted` names or lies within (None: outside the package)."""
    parts = dotted.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def cycles(edges: dict[str, set[str]]) -> list[tuple[list[str], set[str]]]:
    """For each group of modules that all reach each other (Tarjan), one shortest cycle through it
    and the whole group. (A module importing itself is not counted: `graph` leaves such edges out.)"""
    groups = [group for group in _strongly_connected(edges) if len(group) > 1]
    return sorted((_shortest_cycle(min(group), edges, group), group) for group in groups)


def _strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    counter = 0

    nodes = sorted(set(edges) | {t for targets in edges.values() for t in targets})
    for start in nodes:
        if start in index:
            continue
        # Iterative, so that a long chain of imports cannot exceed the recursion limit.
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def _shortest_cycle(start: str, edges: dict[str, set[str]], group: set[str]) -> list[str]:
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(edges.get(node, ())):
            if child not in group:
                continue
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if child not in came_from:
                came_from[child] = node
                queue.append(child)
    raise AssertionError(f"{start} is in a group but on no cycle")


def graph(found: Iterable[Import], *, at_load_only: bool) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for imp in found:
        if imp.source != imp.target and (imp.at_load or not at_load_only):
            edges.setdefault(imp.source, set()).add(imp.target)
    return edges


def describe(cycle: list[str], group: set[str], found: list[Import], *, at_load_only: bool) -> str:
    steps = []
    for source, target in itertools.pairwise(cycle):
        lines = sorted({(i.line, i.where) for i in found
                        if i.source == source and i.target == target and (i.at_load or not at_load_only)})
        where = "; ".join(f"line {line}, {kind}" for line, kind in lines)
        steps.append(f"    {source} imports {target} ({where})")
    if len(group) > len(cycle) - 1:
        members = ", ".join(sorted(group))
        steps.append(f"    (one cycle of several among these {len(group)} modules: {members})")
    return "\n".join([" -> ".join(cycle), *steps])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exclude", action="append", default=[], metavar="PREFIX",
                        help="leave out modules whose name starts with PREFIX (may be repeated)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the folder holding the package")
    parser.add_argument("--package", default=PACKAGE)
    args = parser.parse_args(argv)

    known = {name: path for name, path in modules(args.root, args.package).items()
             if not name.startswith(tuple(args.exclude))}
    found = [imp for name, path in known.items() for imp in imports_of(name, path, known)]
    at_load = cycles(graph(found, at_load_only=True))
    every = cycles(graph(found, at_load_only=False))

    print(f"{len(known)} modules, {len(found)} imports inside {args.package}"
          + (f" (left out: {', '.join(args.exclude)})" if args.exclude else ""))
    if every:
        print(f"\nFor information: {len(every)} cycle(s) counting imports inside functions and under "
              "TYPE_CHECKING:")
        for cycle, group in every:
            print(describe(cycle, group, found, at_load_only=False))
    if at_load:
        print(f"\nFAIL: {len(at_load)} cycle(s) among the imports that run when a module is loaded:")
        for cycle, group in at_load:
            print(describe(cycle, group, found, at_load_only=True))
        return 1
    print("\nNo cycle among the imports that run when a module is loaded.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
