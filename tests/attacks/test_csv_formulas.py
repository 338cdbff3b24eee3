"""A buyer who types a formula: no CSV we hand out runs it on the machine that opens it.

A spreadsheet runs a cell starting with `=`, `+`, `-`, `@` (or a tab, a carriage return, and
after leading spaces too). The accountant's invoice export wrote the buyer's name raw; each
export had its own writer. Now `charte.core.csvfile` writes them all.
"""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from charte.accounts.models import Role
from charte.core.csvfile import neutralise
from charte.subject_requests import archive
from tests.conftest import client_for
from tests.factories import make_user
from tests.payments.conftest import buy, webhooks

__all__ = ["webhooks"]

FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u00a0=1+1",
    '\uff1dHYPERLINK("http://evil")',  # a full-width equals sign
]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_that_could_start_a_formula_is_kept_as_text(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Anna Martin", "-12.50", "+3", "1e5", "", "a=b", "O'Hara"])
def test_other_cells_are_left_as_they_are(value):
    assert neutralise(value) == value


def inert(cell: str) -> bool:
    return cell.lstrip(" \u00a0")[:1] not in set("=+-@\t\r\uff1d")


@pytest.mark.django_db
def test_a_buyer_named_like_a_formula_comes_out_inert_in_the_accountant_s_invoice_export(
    webhooks,
):
    buyer = make_user(role=Role.SCHOOL_STAFF, email="buyer@college.test")
    accountant = make_user(role=Role.ACCOUNTING)
    name = '=HYPERLINK("http://evil","x")'
    organisation = "@SUM(1+1)*cmd|' /C calc'!A0"
    buy(
        client_for(buyer), plan="etablissement-annuel", billing_name=name, organisation=organisation
    )

    export = client_for(accountant).get(reverse("payments:accounting_invoices") + "?format=csv")

    assert export.status_code == 200
    [header, row] = list(csv.reader(io.StringIO(export.content.decode()), delimiter=";"))
    cells = dict(zip(header, row, strict=True))
    assert cells["client"] == "'" + name
    assert cells["etablissement"] == "'" + organisation
    assert cells["ttc"][0].isdigit()  # amounts stay numbers
    assert all(inert(cell) for cell in row)


@pytest.mark.django_db
def test_a_user_agent_like_a_formula_comes_out_inert_in_the_journal_export(dpo_elise):
    client = client_for(dpo_elise)
    client.get(reverse("home"), HTTP_USER_AGENT='=HYPERLINK("http://evil")')
    client.post(reverse("accounts:login"), {"username": "x", "password": "y"})

    export = client.get(reverse("audit:export"), HTTP_USER_AGENT='=HYPERLINK("http://evil")')

    text = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1
    assert all(inert(cell) for row in rows for cell in row)


@pytest.mark.django_db
def test_a_name_like_a_formula_comes_out_inert_in_the_person_s_own_archive():
    person = make_user(role=Role.PARENT, first_name='=HYPERLINK("http://evil")', last_name="@x")
    out = io.BytesIO()

    archive.build(person=person, scope=archive.ACCESS, out=out)

    with zipfile.ZipFile(out) as zf:
        texts = [zf.read(n).decode() for n in zf.namelist() if n.endswith(".csv")]
    rows = [row for text in texts for row in csv.reader(io.StringIO(text))]
    assert any('\'=HYPERLINK("http://evil")' in row for row in rows)
    assert any("'@x" in row for row in rows)
    assert all(inert(cell) for row in rows for cell in row)


def test_every_csv_is_written_by_the_one_writer():
    root = Path(__file__).resolve().parents[2] / "charte"
    writers = [
        str(path.relative_to(root.parent))
        for path in sorted(root.rglob("*.py"))
        if ("csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text())
        and path.name != "csvfile.py"
    ]

    assert writers == []
