"""The residual scan reads the database's text columns once per schema, and a table or column
added since is searched too (a stale list would let a residue through unseen)."""

import pytest
from django.db import connection

from charte.subject_requests import scan
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_table_added_after_a_first_scan_is_searched_by_the_next(django_assert_max_num_queries):
    person = make_user(first_name="Oubliée", last_name="Ailleurs")
    terms = scan.identifiers(person)
    scan.scan(terms)  # the columns read and kept
    columns = len(scan.text_columns())
    with django_assert_max_num_queries(2):  # the schema's fingerprint, not every table's SQL
        scan.text_columns()

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE perf_leftover (id integer PRIMARY KEY, note varchar(200))")
        cursor.execute("INSERT INTO perf_leftover (id, note) VALUES (1, %s)", [person.email])

    findings = {(f.table, f.column): f for f in scan.scan(terms)}
    assert len(scan.text_columns()) == columns + 1
    assert findings[("perf_leftover", "note")].rows == 1
    assert findings[("perf_leftover", "note")].kept is False
