"""A class list from a school's registry, read from a CSV file, line by line, before anything exists.

Design: schools export their lists from their registry software (SIECLE/ONDE exports, Pronote,
a spreadsheet saved as CSV): French headers in several spellings, UTF-8 or Windows-1252 (Excel
on Windows), comma or semicolon, dates as 12/03/2014 or 2014-03-12. This module only reads:
it returns each good row and, for each bad line, its number and what is wrong with it, so that
the page can show the whole report before the teacher creates anyone (`actions.import_pupils`
creates the good rows, and a row already in the class is found again, never duplicated).
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

MAX_BYTES = 200_000
MAX_ROWS = 400

# Normalised header -> the column it names (accents, case, spaces and punctuation ignored).
HEADERS = {
    "nom": "last_name",
    "nomdefamille": "last_name",
    "nomdusage": "last_name",
    "nomeleve": "last_name",
    "lastname": "last_name",
    "prenom": "first_name",
    "prenom1": "first_name",
    "prenomeleve": "first_name",
    "firstname": "first_name",
    "datedenaissance": "birth_date",
    "datenaissance": "birth_date",
    "nele": "birth_date",
    "neele": "birth_date",
    "naissance": "birth_date",
    "birthdate": "birth_date",
    "classe": "class_name",
    "division": "class_name",
    "class": "class_name",
}
REQUIRED = ("last_name", "first_name", "birth_date")
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")


class RosterError(ValueError):
    """The file as a whole cannot be read (not text, no header we know, too large)."""


@dataclass(frozen=True)
class Row:
    line: int
    last_name: str
    first_name: str
    birth_date: date
    class_name: str = ""

    def key(self) -> tuple[str, str, date]:
        return (fold(self.last_name), fold(self.first_name), self.birth_date)


@dataclass(frozen=True)
class BadLine:
    line: int
    text: str
    problems: list[str]


@dataclass
class Roster:
    rows: list[Row] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)


def fold(text: str) -> str:
    """Letters only, without accents or case: 'Élodie  Martin-Roy' ~ 'elodie martin roy'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def decode(content: bytes) -> str:
    """UTF-8 (with or without its mark), else Windows-1252, the two encodings schools send."""
    if len(content) > MAX_BYTES:
        raise RosterError(_("Le fichier est trop gros : une liste de classe tient en 200 ko."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise RosterError(
            _("Ce fichier n'est pas un texte : enregistrez la liste au format CSV.")
        ) from exc


def _date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007  (a date alone)
        except ValueError:
            continue
    return None


def _clean_name(text: str) -> str:
    return " ".join(text.replace("\x00", "").split())[:80]


def read(text: str, *, class_name: str = "") -> Roster:
    """Every row of the file, good or bad; `class_name` is the class imported into."""
    if "\x00" in text:
        raise RosterError(_("Ce fichier n'est pas un texte : enregistrez la liste au format CSV."))
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise RosterError(_("Le fichier est vide.")) from None
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        column = HEADERS.get(fold(name).replace(" ", ""))
        if column and column not in columns:
            columns[column] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise RosterError(
            _(
                "La première ligne doit nommer les colonnes « Nom », « Prénom » et « Date de "
                "naissance » (et, si vous voulez, « Classe »)."
            )
        )
    roster = Roster()
    seen: dict[tuple[str, str, date], int] = {}
    today = timezone.localdate()
    target = fold(class_name)
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(roster.rows) + len(roster.bad) >= MAX_ROWS:
            raise RosterError(
                _("Le fichier a plus de %(count)d lignes : importez une classe à la fois.")
                % {"count": MAX_ROWS}
            )

        def cell(name: str, values: list[str] = values) -> str:
            index = columns.get(name)
            return values[index] if index is not None and index < len(values) else ""

        problems: list[str] = []
        last_name, first_name = _clean_name(cell("last_name")), _clean_name(cell("first_name"))
        if not last_name:
            problems.append(_("le nom manque"))
        if not first_name:
            problems.append(_("le prénom manque"))
        born = _date(cell("birth_date"))
        if not cell("birth_date").strip():
            problems.append(_("la date de naissance manque"))
        elif born is None:
            problems.append(
                _("la date de naissance « %(value)s » ne se lit pas (attendu : 12/03/2014)")
                % {"value": cell("birth_date").strip()[:20]}
            )
        elif born > today or born.year < today.year - 25:
            problems.append(
                _("la date de naissance %(value)s n'est pas celle d'un élève")
                % {"value": born.strftime("%d/%m/%Y")}
            )
        other_class = _clean_name(cell("class_name"))
        if other_class and target and fold(other_class) != target:
            problems.append(
                _("élève de la classe « %(other)s », pas de celle-ci") % {"other": other_class}
            )
        if not problems and born is not None:
            row = Row(line, last_name, first_name, born, other_class)
            if row.key() in seen:
                problems.append(_("même élève qu'à la ligne %(line)d") % {"line": seen[row.key()]})
            else:
                seen[row.key()] = line
                roster.rows.append(row)
                continue
        roster.bad.append(BadLine(line, delimiter.join(values)[:200], problems))
    return roster
