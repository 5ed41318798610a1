"""Print the portal's package import graph, its cycles and a few architecture counts.

Usage: python scripts/import_graph.py [--modules]

Each top-level part of ``portal`` (``portal/auth/`` or ``portal/jobs.py``) is a node; an edge
A -> B means some module in A imports something from B. Imports inside functions are counted
too (they are still dependencies), and listed separately (``--local``); imports under
``if TYPE_CHECKING:`` are not (as in the import-linter contracts). Cycles are the strongly connected
components with more than one node. ``--modules`` prints the module-level graph's cycles as well.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def node_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else parts[0]


def imported_modules(tree: ast.AST, this: str, is_package: bool):
    """Yield (module, local, first) for every imported name; local means inside a function,
    first marks the first name of an import statement (to count statements)."""

    def visit(node: ast.AST, local: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # imports for type hints only are not dependencies at run time
            inner = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                for number, alias in enumerate(child.names):
                    yield alias.name, inner, number == 0
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = this.split(".") if is_package else this.split(".")[:-1]
                    package = package[: len(package) - child.level + 1]
                    base = ".".join([*package, base] if base else package)
                for number, alias in enumerate(child.names):
                    yield (f"{base}.{alias.name}" if alias.name != "*" else base), inner, number == 0
            else:
                yield from visit(child, inner)

    yield from visit(tree, False)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v: str):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return result


class Counter(ast.NodeVisitor):
    def __init__(self):
        self.aborts = 0
        self.commits = 0
        self.rollbacks = 0

    def visit_Call(self, node: ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "abort":
            self.aborts += 1
        elif name == "commit":
            self.commits += 1
        elif name == "rollback":
            self.rollbacks += 1
        self.generic_visit(node)


def main() -> None:
    files = sorted(p for p in PORTAL.rglob("*.py") if "translations" not in p.parts)
    modules = {module_name(p): p for p in files}
    package_graph: dict[str, set[str]] = defaultdict(set)
    module_graph: dict[str, set[str]] = defaultdict(set)
    local_imports: list[tuple[str, int, str]] = []
    aborts = {"services": 0, "other": 0}
    commits = {"services": 0, "views": 0, "other": 0}
    rollbacks = {"services": 0, "views": 0, "other": 0}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        kind = (
            "services"
            if "services" in path.stem or path.parent.name == "services"
            else ("views" if path.stem == "views" else "other")
        )
        counter = Counter()
        counter.visit(tree)
        aborts["services" if kind == "services" else "other"] += counter.aborts
        commits[kind] += counter.commits
        rollbacks[kind] += counter.rollbacks
        for target, local, first in imported_modules(tree, name, path.name == "__init__.py"):
            if local and first:
                local_imports.append((name, 0, target))
            if not target.startswith("portal"):
                continue
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target not in modules:
                continue
            if target != name:
                module_graph[name].add(target)
            a, b = node_of(name), node_of(target)
            if a != b and not (a == "portal" or b == "portal"):
                package_graph[a].add(b)

    print("Package import graph (A -> packages A imports):")
    for package in sorted({node_of(m) for m in modules} - {"portal"}):
        targets = sorted(package_graph.get(package, ()))
        print(f"  {package:28} -> {', '.join(t.removeprefix('portal.') for t in targets) or '-'}")
    cycles = strongly_connected(package_graph)
    print("\nPackage cycles:", "none" if not cycles else "")
    for cycle in cycles:
        print("  " + " <-> ".join(c.removeprefix("portal.") for c in cycle))
    if "--modules" in sys.argv:
        module_cycles = strongly_connected(module_graph)
        print("\nModule cycles:", "none" if not module_cycles else "")
        for cycle in module_cycles:
            print("  " + " <-> ".join(cycle))
    print(f"\nFunction-local import statements in portal/: {len(local_imports)}")
    if "--local" in sys.argv:
        for name, _, target in local_imports:
            print(f"  {name}: {target}")
    print(f"abort() calls: {aborts['services']} in services, {aborts['other']} elsewhere")
    print(
        f"commit() calls: {commits['services']} in services, {commits['views']} in views, "
        f"{commits['other']} elsewhere"
    )
    print(
        f"rollback() calls: {rollbacks['services']} in services, {rollbacks['views']} in views, "
        f"{rollbacks['other']} elsewhere"
    )


if __name__ == "__main__":
    main()
