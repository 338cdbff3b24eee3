"""The coach's own objections, from before the rights engine kept them all, are carried over."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from charte.accounts.models import Role
from charte.privacy import processing
from charte.subject_requests.models import Limitation
from tests.factories import make_user

BEFORE = [("coach", "0001_initial")]
AFTER = [("coach", "0002_objections_kept_by_the_rights_engine")]


@pytest.mark.django_db(transaction=True)
def test_an_objection_kept_by_the_coach_becomes_an_objection_record_that_still_stops_it():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    pupil = make_user(role=Role.PUPIL, first_name="Zoé")
    old = executor.loader.project_state(BEFORE).apps.get_model("coach", "Objection")
    objection = old.objects.create(pupil_id=pupil.pk, by_guardian=True)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    limitation = Limitation.objects.get(person=pupil)
    assert (limitation.type, limitation.purpose, limitation.ended_at) == (
        "objection",
        "coach",
        None,
    )
    assert limitation.started_at == objection.created_at
    assert "subject_requests.objection" in processing.refusals(pupil, "coach")
    assert "coach_objection" not in connection.introspection.table_names()
