from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.learning import chloe_class, school

__all__ = ["chloe_class", "school"]


@pytest.fixture
def key(db):
    """A service's key to the consent API, the cache emptied first."""
    cache.clear()
    out = StringIO()
    call_command("consent_api_key", "newsletter-tool", stdout=out)
    return out.getvalue().split()[-1]
