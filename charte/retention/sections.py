"""The privacy centre's block (until when this person's data is kept, and how to keep it
longer), and the DPO's home block (what the coming sweeps remove)."""

from typing import Any

from django.utils import timezone

from charte.accounts.models import User
from charte.accounts.queries import guardians_of
from charte.audit.queries import last_entry
from charte.retention import dates, forecast, queries
from charte.retention.models import LegalHold, Renewal, StoredForecast


def retention_section(viewer: User, person: User) -> dict[str, Any] | None:
    kept_until = queries.kept_until(person)
    if kept_until is None:
        return None
    today = timezone.localdate()
    renewed_until = dates.kept_until_renewed(today)
    may_renew = viewer.pk == person.pk or guardians_of(person).filter(pk=viewer.pk).exists()
    return {
        "kept_until": kept_until,
        "goes_on": dates.add_period(kept_until, days=1),
        "renewed_until": renewed_until,
        "can_renew": may_renew and renewed_until > kept_until,
        "renewals": list(Renewal.objects.filter(person=person).order_by("-renewed_at")[:5]),
        "held": queries.holds_in_force(today).blocks_account(person.pk),
    }


def dpo_panel(user: User) -> dict[str, Any]:
    """The DPO's home block: per rule, what the next sweep and the next 30 days remove; holds.

    The figures are the nightly job's (`StoredForecast`), read in one query: computed here,
    their counts would read most of each big table at every visit. The retention page, one
    click away, computes them live.
    """
    today = timezone.localdate()
    stored = StoredForecast.objects.order_by("-day").first()
    items = [forecast.Forecast.from_data(data) for data in stored.rules] if stored else []
    return {
        "computed": stored,
        "stale": stored is not None and stored.is_stale(timezone.now()),
        "rules": [f for f in items if f is not None and (f.due_now or f.upcoming)],
        "holds": LegalHold.objects.in_force(today).count(),
        "last_sweep": last_entry("retention.swept"),
    }
