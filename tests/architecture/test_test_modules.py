"""Test modules import helpers, never one another: what several tests share (the world of the
access matrix, the walkers over forms and schemas, the personas) lives in a helper module
(`tests/world.py`, `tests/matrix.py`, `tests/walkers.py`, `tests/helpers.py`, a conftest), so
that a test module can be moved, renamed or deleted without breaking another one, and pytest
never collects the same tests twice."""

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.once

TESTS = Path(__file__).resolve().parents[1]


def imported_test_modules(source: str, package: str) -> list[str]:
    """The `test_*` modules a test module's source imports (at any depth of the module)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from its own package, or from a parent's
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [name for name in names if name.rsplit(".", 1)[-1].startswith("test_")]
    return sorted(set(found))


def test_no_test_module_imports_another():
    crossing = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        package = ".".join(path.relative_to(TESTS.parent).parent.parts)
        imported = imported_test_modules(path.read_text(), package)
        if imported:
            crossing[str(path.relative_to(TESTS.parent))] = imported
    assert crossing == {}, f"test modules importing other test modules: {crossing}"


def test_the_check_sees_every_way_of_importing_a_test_module():
    sources = {
        "from tests.test_access_matrix import World": ["tests.test_access_matrix"],
        "from tests.core import test_card_api": ["tests.core.test_card_api"],
        "import tests.core.test_card_forms": ["tests.core.test_card_forms"],
        "from .test_card_api import text_fields": ["tests.core.test_card_api"],
        "def f():\n    from tests.test_access_matrix import MATRIX": ["tests.test_access_matrix"],
        "from tests.world import World\nfrom tests.walkers import build": [],
        "from tests.conftest import client_for": [],
    }
    for source, expected in sources.items():
        assert imported_test_modules(source, "tests.core") == expected, source
