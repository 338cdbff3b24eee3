from datetime import time

import pytest

from charte.core import schedule
from charte.retention import tasks

pytestmark = pytest.mark.django_db


def test_the_sweep_runs_every_night_in_the_quiet_hours():
    [job] = [j for j in schedule.jobs() if j.name == "retention.nightly"]

    assert job.at == time(2, 30)
    assert job.task is tasks.nightly


def test_the_nightly_task_sends_notices_then_sweeps(guardian_anna):
    result = tasks.nightly.enqueue()

    assert result.return_value["notices"] == 0
    assert "account" in result.return_value["swept"]
