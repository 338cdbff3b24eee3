import pytest
from django.conf import settings

from tests.helpers import PRODUCTION, manage


def test_the_webhook_secret_has_a_development_default_of_its_own():
    assert len(settings.PAYMENT_WEBHOOK_SECRET) > 50
    assert settings.PAYMENT_WEBHOOK_SECRET != settings.SECRET_KEY


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PAYMENT_PROVIDER": "test"}, "PAYMENT_PROVIDER=test takes no money"),
        ({"PAYMENT_PROVIDER": "acme"}, "PAYMENT_WEBHOOK_SECRET must be set in production"),
    ],
)
def test_production_refuses_the_test_provider_and_a_provider_without_its_secret(env, message):
    result = manage("check", **{**PRODUCTION, **env})

    assert result.returncode != 0
    assert message in result.stderr
