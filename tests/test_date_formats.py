"""One date format per language: every template and message writes a date through the active
language's named formats (Django's DATE_FORMAT, DATETIME_FORMAT...), never a pattern of its own
("j M Y" here, "d/m/Y" there, "j F Y à H:i" in English pages)."""

import re
from pathlib import Path

from django.utils import formats, translation

ROOT = Path(__file__).resolve().parents[1] / "charte"
NAMED = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
}
# Times of day alone, and the ISO stamp of a machine-read file, are the same in every language.
LANGUAGE_FREE = {"H:i", "H:i:s", "Y-m-d H:i", "c", "U"}


def own_patterns() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("templates/**/*")):
        if path.suffix not in {".html", ".txt"} or "reports" in path.parts:
            continue
        for fmt in re.findall(r'\|date:"([^"]+)"', path.read_text(encoding="utf-8")):
            if fmt not in NAMED | LANGUAGE_FREE:
                found.append(f"{path.relative_to(ROOT)}: {fmt}")
    for path in sorted(ROOT.rglob("*.py")):
        if "reports" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for fmt in re.findall(r'date_format\([^,]+,\s*"([^"]+)"', text):
            if fmt not in NAMED:
                found.append(f"{path.relative_to(ROOT)}: {fmt}")
    return found


def test_dates_are_written_in_the_languages_own_formats():
    assert own_patterns() == []


def test_the_two_languages_have_a_format_each():
    with translation.override("fr"):
        french = formats.get_format("DATE_FORMAT")
    with translation.override("en"):
        english = formats.get_format("DATE_FORMAT")
    assert (french, english) == ("j F Y", "N j, Y")
