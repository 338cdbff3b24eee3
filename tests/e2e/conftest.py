import pytest

from charte.core.cards import scan_database


@pytest.fixture(autouse=True)
def no_card_number_is_left_in_the_database(transactional_db):
    """After every end-to-end test, no text column of any table holds a card number."""
    yield
    findings = list(scan_database())
    assert findings == [], f"card numbers stored: {[(f.table, f.column) for f in findings]}"
