"""Demo: renewals of several kinds for the personas, one legal hold (a pending request), and
the forecast the DPO's home page shows (the nightly job's, computed once now)."""

from django.utils import timezone

from charte.accounts.queries import guardians_of
from charte.core.actors import SEED
from charte.core.demo import Demo
from charte.retention import actions
from charte.retention.models import LegalHold, Renewal, StoredForecast


def seed(demo: Demo) -> None:
    people = demo.people
    # Léa (16) says herself that she continues next year.
    actions.renew(
        person=people["child_lea"], source=Renewal.Source.PERSON, actor=people["child_lea"]
    )
    # Ben's mother does, if she is his confirmed guardian; otherwise his teacher's class moves on.
    ben, anna = people["child_ben"], people["guardian_anna"]
    if guardians_of(ben).filter(pk=anna.pk).exists():
        actions.renew(person=ben, source=Renewal.Source.GUARDIAN, actor=anna)
    else:
        actions.renew(person=ben, source=Renewal.Source.CLASS, actor=people["teacher_chloe"])
    # Anna's subscription carries her own account.
    actions.renew(person=anna, source=Renewal.Source.SUBSCRIPTION, actor=SEED)
    # Half of Chloé's class moves on with her.
    classmates = sorted(handle for handle in people if handle.startswith("pupil_"))
    for handle in classmates[: len(classmates) // 2]:
        actions.renew(
            person=people[handle], source=Renewal.Source.CLASS, actor=people["teacher_chloe"]
        )
    # Sofia asked for a copy of her data: her account is held until that request is answered.
    sofia = people["guardian_sofia"]
    if not LegalHold.objects.filter(person=sofia, lifted_at__isnull=True).exists():
        actions.place_hold(
            actor=people["dpo_elise"],
            person=sofia,
            reason=LegalHold.Reason.PENDING_REQUEST,
            reference="DEM-2026-0042",
        )
    # The nightly job's figures, so that the DPO's home is not empty before the first night.
    today = timezone.localdate()
    if not StoredForecast.objects.filter(day=today).exists():
        actions.store_forecast(today=today, actor=SEED)
    demo.say(
        "Retention: renewals for Léa, Ben, Anna and half of the class; a hold on Sofia; "
        "the DPO's forecast."
    )
