"""Platform-wide figures that leave the operator, with differential privacy (OpenDP).

Design: each figure is a count over the whole platform for a school year, with a known
sensitivity (what one person can change it by): 1 for active pupils; for exercises done, each
person's count is clamped to `CLAMP` first, so one person changes the total by CLAMP at most.
OpenDP's discrete Laplace mechanism adds noise of scale sensitivity / epsilon_i; the release
spends epsilon = the sum of the epsilon_i, as OpenDP's privacy map computes it, and records it.
"""

from typing import Any

from django.db.models import Count, Sum

from charte.statistics.models import Activity
from charte.statistics.publication import period_weeks

CLAMP = 200


def _laplace(value: int, *, sensitivity: int, epsilon: float) -> tuple[int, float]:
    import opendp.prelude as dp_lib  # imported by the process that releases figures, not by all

    dp_lib.enable_features("contrib")
    measurement = dp_lib.m.make_laplace(
        dp_lib.atom_domain(T=int),
        dp_lib.absolute_distance(T=int),
        scale=sensitivity / epsilon,
    )
    return max(0, int(measurement(value))), float(measurement.map(sensitivity))


def platform_figures(*, first_year: int, epsilon: float) -> tuple[dict[str, Any], str]:
    if not 0 < epsilon <= 10:
        raise ValueError("epsilon must be in (0, 10].")
    weeks = period_weeks(first_year)["year"]
    rows = Activity.objects.filter(week__gte=weeks[0], week__lte=weeks[-1])
    people = rows.aggregate(n=Count("pseudonym_id", distinct=True))["n"] or 0
    exercises = sum(
        min(n or 0, CLAMP)
        for n in rows.values("pseudonym_id")
        .annotate(n=Sum("exercises"))
        .values_list("n", flat=True)
        .iterator(chunk_size=5000)
    )
    noisy_people, spent_people = _laplace(people, sensitivity=1, epsilon=epsilon / 2)
    noisy_exercises, spent_exercises = _laplace(exercises, sensitivity=CLAMP, epsilon=epsilon / 2)
    figures = {
        "active_pupils": noisy_people,
        "exercises": noisy_exercises,
        "spent": {"active_pupils": spent_people, "exercises": spent_exercises},
    }
    mechanism = f"OpenDP discrete Laplace; exercises clamped to {CLAMP} per person"
    return figures, mechanism
