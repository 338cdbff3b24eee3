"""Attacks on a production deployment through its operators' slips: the demo seeded with its
published password, a variable nobody documented, the application server open to the world,
a deployment check left with warnings.
"""

import ast
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from charte.accounts.models import User
from charte.core import demo
from tests.attacks import production_site

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = (ROOT / "docs" / "deploy.md").read_text()
READERS = {"required", "env_bool", "env_list"}


def environment_names(source: str) -> set[str]:
    """Every variable name the settings read: os.environ.get/[...], required(), env_bool()..."""
    names: set[str] = set()
    tree = ast.parse(source)
    helpers = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in READERS]
    inside_helpers = {id(node) for helper in helpers for node in ast.walk(helper)}
    for node in ast.walk(tree):
        if id(node) in inside_helpers:  # they read the name they are given
            continue
        key = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and ast.unparse(func.value) == "os.environ"
            ) or (isinstance(func, ast.Name) and func.id in READERS):
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        if key is not None:
            assert isinstance(key, ast.Constant), f"a name built at run time: {ast.unparse(key)}"
            names.add(str(key.value))
    return names


def test_every_variable_the_settings_read_is_in_the_deployment_guide():
    names = environment_names((ROOT / "config" / "settings.py").read_text())

    assert len(names) > 30
    missing = sorted(n for n in names if f"`{n}`" not in DEPLOY and f"`{n}=" not in DEPLOY)
    assert missing == []


def test_the_guide_binds_gunicorn_to_a_socket_or_loopback_only():
    [line] = [line for line in DEPLOY.splitlines() if line.startswith("| web |")]
    binds = re.findall(r"--bind (\S+?)`", line)

    assert binds
    for bind in binds:
        assert bind.startswith(("unix:", "127.0.0.1:", "[::1]:")), bind
    assert "0.0.0.0" not in line  # noqa: S104  (the test looks for it)


@pytest.mark.django_db
def test_seed_demo_refuses_production_and_creates_nothing(settings):
    settings.PRODUCTION = True
    out = StringIO()

    with pytest.raises(CommandError, match="refuses to run in production"):
        call_command("seed_demo", stdout=out)

    assert not User.objects.exists()
    assert demo.DEMO_PASSWORD not in out.getvalue()
    with pytest.raises(demo.DemoRefused):
        demo.seed(out=out)


def test_seed_demo_refuses_a_real_production_environment(production_folder):
    env = production_site.production_env(production_folder)

    result = production_site.manage(env, "seed_demo")
    count = production_site.manage(
        env,
        "shell",
        "-v0",
        "-c",
        "from charte.accounts.models import User; print(User.objects.filter(email__endswith="
        "'.example').count(), User.objects.filter(is_staff=True).count())",
    )

    assert result.returncode == 1
    assert "seed_demo refuses to run in production (DJANGO_ENV=production)" in result.stderr
    assert "Traceback" not in result.stderr
    assert demo.DEMO_PASSWORD not in result.stdout + result.stderr
    assert count.stdout.split() == ["0", "0"]


def test_the_deployment_check_reports_nothing_for_the_production_environment(
    production_folder,
):
    env = production_site.production_env(production_folder)

    result = production_site.manage(env, "check", "--deploy", "--fail-level", "WARNING")
    silenced = production_site.manage(
        env,
        "shell",
        "-v0",
        "-c",
        "from django.conf import settings; print(settings.SILENCED_SYSTEM_CHECKS)",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert silenced.stdout.strip() == "[]"
