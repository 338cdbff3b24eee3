import pytest

from charte.accounts.models import Role
from charte.support import actions
from charte.support.models import ErrorReport
from tests.factories import make_user


@pytest.fixture
def visitor_report(db) -> ErrorReport:
    return actions.report_error(
        reporter=None,
        message="Le bouton de connexion ne marche pas sur ma tablette.",
        page="/compte/connexion/",
        contact_email="visiteur@exemple.test",
        actor=make_user(role=Role.IT),  # any actor: the journal is not what these tests read
    )
