import pytest
from django.core.cache import cache

from charte.accounts.models import Role
from charte.support import actions
from charte.support.models import ErrorReport
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The report form's hourly limit lives in the cache: each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def visitor_report(db) -> ErrorReport:
    return actions.report_error(
        reporter=None,
        message="Le bouton de connexion ne marche pas sur ma tablette.",
        page="/compte/connexion/",
        contact_email="visiteur@exemple.test",
        actor=make_user(role=Role.IT),  # any actor: the journal is not what these tests read
    )
