"""French first, English second: every text an app shows has its English translation.

For each app, the messages are extracted afresh (in a copy, so the tree is untouched) and merged
with the committed catalogue: any text without an English translation, or whose translation
gettext marks as fuzzy (a guess made after the French changed), fails the test.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[1]
APPS = sorted(p for p in (ROOT / "charte").iterdir() if (p / "apps.py").exists())

ENTRY = re.compile(
    r"(?P<comments>(?:#[^\n]*\n)*)"
    r"msgid (?P<id>(?:\"[^\n]*\"\n)+)"
    r"(?:msgid_plural (?:\"[^\n]*\"\n)+)?"
    r"(?P<strs>(?:msgstr(?:\[\d\])? (?:\"[^\n]*\"\n?)+)+)"
)


def untranslated(po: str) -> list[str]:
    problems = []
    for match in ENTRY.finditer(po):
        msgid = "".join(re.findall(r'"(.*)"', match["id"]))
        if not msgid:
            continue  # the catalogue's header
        strings = re.split(r"msgstr(?:\[\d\])? ", match["strs"])[1:]
        empty = any(not "".join(re.findall(r'"(.*)"', s)) for s in strings)
        fuzzy = bool(re.search(r"^#,.*\bfuzzy\b", match["comments"], re.MULTILINE))
        if empty or fuzzy:
            problems.append(("fuzzy: " if fuzzy else "") + msgid)
    return problems


# One process extracts every app's messages, each from its own folder as `make messages` does:
# Django starts once rather than once an app.
EXTRACT = """
import os, sys
import django
from django.core.management import call_command
django.setup()
for folder in sys.argv[1:]:
    os.chdir(folder)
    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
"""


def test_every_text_has_an_english_translation(tmp_path):
    copies = []
    for app in APPS:
        copy = tmp_path / app.name
        shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        (copy / "locale").mkdir(exist_ok=True)
        copies.append(copy)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(
        [sys.executable, "-c", EXTRACT, *map(str, copies)],
        env=env,
        check=True,
        timeout=300,
    )
    missing = {}
    for copy in copies:
        po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
        lacking = untranslated(po.read_text(encoding="utf-8")) if po.exists() else []
        if lacking:  # (no catalogue: nothing to translate in this app)
            missing[f"charte/{copy.name}/locale/en/LC_MESSAGES/django.po"] = lacking

    assert missing == {}, f"texts without their English translation: {missing}"


def test_the_check_itself_sees_a_missing_translation():
    po = (
        'msgid ""\nmsgstr ""\n\n#: x.py:1\nmsgid "Bonjour"\nmsgstr ""\n\n'
        '#: x.py:2\n#, fuzzy, python-format\nmsgid "Au revoir"\nmsgstr "Bye"\n\nmsgid "Oui"\nmsgstr "Yes"\n'
    )

    assert untranslated(po) == ["Bonjour", "fuzzy: Au revoir"]
