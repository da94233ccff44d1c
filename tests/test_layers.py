"""The layers of DESIGN.md only look down (STYLE.md habit 1), and the public surface is curated."""

from __future__ import annotations

import ast
from pathlib import Path

import redrive

SRC = Path(redrive.__file__).parent

#: what each layer may import from redrive (besides itself)
ALLOWED: dict[str, set[str]] = {
    "kernel": {"errors"},
    "store": {"errors"},
    "wire": {"errors"},
    "runtime": {"errors", "kernel"},
    "services": {"errors", "kernel", "store", "runtime"},
}


def _redrive_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "redrive" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_layers_only_import_downwards() -> None:
    problems = []
    for layer, allowed in ALLOWED.items():
        for path in sorted((SRC / layer).rglob("*.py")):
            bad = _redrive_imports(path) - allowed - {layer}
            if bad:
                problems.append(f"{path.relative_to(SRC)} imports redrive.{sorted(bad)}")
    assert problems == []


def test_boto3_is_imported_only_by_the_client_factory() -> None:
    users = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name.startswith("boto3") for a in node.names):
                users.append(str(path.relative_to(SRC)))
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("boto3"):
                users.append(str(path.relative_to(SRC)))
    assert set(users) <= {"api.py"}


def test_public_surface_is_sorted_and_complete() -> None:
    assert redrive.__all__ == sorted(redrive.__all__)
    public = {name for name in dir(redrive) if not name.startswith("_")}
    # every public attribute is exported, except the submodules themselves
    modules = {name for name in public if isinstance(getattr(redrive, name), type(redrive))}
    assert public - modules <= set(redrive.__all__)
    for name in redrive.__all__:
        assert hasattr(redrive, name)
