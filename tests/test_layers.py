"""The package tree is the data flow: each sub-package imports only the layers below it.

Parsed from the source (every `import`/`from` anywhere in a module, lazy ones included),
so an upward import fails here even if no test happens to execute it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "posecheck"

# What each top-level part may import besides itself (see each package's docstring).
ALLOWED = {
    "errors": set(),
    "pose": {"errors"},
    "measure": {"errors", "pose"},
    "coach": {"errors", "pose", "measure"},
    "media": {"errors", "pose", "measure", "coach"},
    "synth": {"errors", "pose", "measure", "coach"},
    "history": {"errors", "coach"},
    "report": {"errors", "coach", "media", "history"},
    "run": {"errors", "pose", "measure", "coach", "media", "synth", "history"},
    "cli": {"errors", "pose", "measure", "coach", "media", "synth", "history", "report", "run"},
    "__init__": {"run"},
    "__main__": {"cli"},
}


def _part(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imported_parts(path: Path) -> set[str]:
    """Top-level posecheck parts a module imports (absolute and relative forms)."""
    tree = ast.parse(path.read_text("utf-8"))
    here = path.relative_to(PKG).parent.parts
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = list(here[: len(here) - node.level + 1])
                mod = ".".join(["posecheck", *base, *([node.module] if node.module else [])])
            else:
                mod = node.module or ""
            names = [mod] + ([f"{mod}.{a.name}" for a in node.names] if mod == "posecheck" else [])
        for name in names:
            parts = name.split(".")
            if parts[0] == "posecheck" and len(parts) > 1:
                found.add(parts[1])
    return found


MODULES = sorted(PKG.rglob("*.py"))


def test_every_part_has_a_rule():
    parts = {_part(p) for p in MODULES}
    assert parts <= set(ALLOWED), f"new sub-package without a layering rule: {parts - set(ALLOWED)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_only_lower_layers(path):
    part = _part(path)
    bad = _imported_parts(path) - ALLOWED[part] - {part}
    assert not bad, f"{path.relative_to(PKG)} ({part}) imports {sorted(bad)}: upward import"


def test_checker_sees_an_upward_import(tmp_path, monkeypatch):
    """The parser must catch lazy and relative upward imports, or the rules above prove nothing."""
    fake = tmp_path / "posecheck"
    (fake / "coach").mkdir(parents=True)
    mod = fake / "coach" / "x.py"
    mod.write_text("def f():\n    from ..media import overlay\n    import posecheck.cli\n")
    monkeypatch.setattr(f"{__name__}.PKG", fake)
    assert _imported_parts(mod) == {"media", "cli"}


def test_no_module_over_400_lines():
    long = {str(p.relative_to(PKG)): n for p in MODULES
            if (n := len(p.read_text("utf-8").splitlines())) > 400}
    assert not long, f"split these modules: {long}"
