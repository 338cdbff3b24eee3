"""Two deliveries of one message running at once, as on two workers (the periodic retry enqueues
again a message still queued): the message is sent once."""

import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from charte.core.actors import SEED
from charte.notifications.actions import notify
from charte.notifications.models import Message
from charte.notifications.tasks import deliver
from tests.audit.conftest import postgres_only

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_delivery_waits_for_the_one_under_way_and_then_sends_nothing(guardian_anna):
    [message] = notify(
        kind="accounts.password_reset",
        person=guardian_anna,
        actor=SEED,
        context={"uid": "0" * 32, "token": "t-o-k-e-n"},
    )
    # Queued again, as when a retry enqueues it while a first delivery is under way.
    Message.objects.filter(pk=message.pk).update(status=Message.Status.QUEUED)
    mail.outbox.clear()
    answers: list[str] = []

    def second_delivery() -> None:
        try:
            answers.append(deliver.call(message_id=message.pk))
        finally:
            connection.close()

    with transaction.atomic():  # the first delivery, holding the message while it sends
        Message.objects.select_for_update().get(pk=message.pk)
        other = threading.Thread(target=second_delivery)
        other.start()
        other.join(timeout=1.0)
        assert other.is_alive()  # waiting for the first one
        Message.objects.filter(pk=message.pk).update(status=Message.Status.SENT)
    other.join(timeout=30)

    assert answers == ["nothing to do"]
    assert mail.outbox == []
