"""The layers (docs/architecture.md) are a contract that `make test` checks: `lint-imports`
reads it from pyproject.toml. These tests run it on a copy of the code, as it is and with one
import that crosses a layer upward, to show the check fails when it should."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "charte",
        tmp_path / "charte",
        ignore=shutil.ignore_patterns("locale", "templates", "static", "__pycache__", "*.mo"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy(tmp_path_factory.mktemp("layers"))


def test_the_code_keeps_its_layers(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "higher"),
    [
        ("charte/core/net.py", "charte.accounts.models"),  # core below accounts
        ("charte/audit/journal.py", "charte.retention.sweep"),  # the journal below retention
        ("charte/accounts/queries.py", "charte.families.models"),  # accounts below the domain
        ("charte/schools/queries.py", "charte.subject_requests.queries"),  # domain below rights
    ],
)
def test_an_import_from_a_higher_layer_fails_the_check(tree, module, higher):
    source = tree / module
    original = source.read_text()
    source.write_text(original + f"\n\ndef _crossing() -> None:\n    import {higher}  # noqa\n")
    try:
        result = _lint(tree)
    finally:
        source.write_text(original)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert higher in result.stdout
