"""The plans on sale: a short catalogue, in code, so that a price change is a reviewed change.

An order copies what it sold (designation, price, seats), so that changing a plan here never
changes an order, a subscription or an invoice already made.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from charte.accounts.models import Role
from charte.payments.models import Audience
from charte.privacy.register import Text

VAT_RATE = Decimal("20.00")  # French standard rate, on online educational services


@dataclass(frozen=True, kw_only=True)
class Plan:
    code: str
    audience: Audience
    name: Text
    summary: Text
    price_cents: int
    months: int
    seats: int | None = None

    @property
    def yearly(self) -> bool:
        return self.months == 12


PLANS: tuple[Plan, ...] = (
    Plan(
        code="famille-mensuel",
        audience=Audience.FAMILY,
        name=_("Famille, au mois"),
        summary=_(
            "Jusqu'à 4 enfants : tout le catalogue, le coach et le suivi des résultats. "
            "Sans engagement."
        ),
        price_cents=490,
        months=1,
    ),
    Plan(
        code="famille-annuel",
        audience=Audience.FAMILY,
        name=_("Famille, à l'année"),
        summary=_(
            "Jusqu'à 4 enfants : tout le catalogue, le coach et le suivi des résultats. "
            "Deux mois offerts par rapport au mois."
        ),
        price_cents=3900,
        months=12,
    ),
    Plan(
        code="enseignant-annuel",
        audience=Audience.TEACHER,
        name=_("Enseignant, à l'année"),
        summary=_(
            "Vos classes, le travail à donner et à corriger, le suivi de vos élèves et vos "
            "ressources personnelles."
        ),
        price_cents=2900,
        months=12,
    ),
    Plan(
        code="etablissement-annuel",
        audience=Audience.SCHOOL,
        name=_("Licence établissement, à l'année"),
        summary=_(
            "Jusqu'à 600 élèves et tous leurs enseignants : classes, travail donné, résultats "
            "et coach pour tout l'établissement."
        ),
        price_cents=59000,
        months=12,
        seats=600,
    ),
)

PLAN_BY_CODE = {plan.code: plan for plan in PLANS}

# Who buys for whom: a parent for their family, a teacher for themself, school staff for the school.
AUDIENCE_OF_ROLE: dict[str, Audience] = {
    Role.PARENT: Audience.FAMILY,
    Role.TEACHER: Audience.TEACHER,
    Role.SCHOOL_STAFF: Audience.SCHOOL,
}


def plans_for(audience: Audience | None) -> list[Plan]:
    return [plan for plan in PLANS if audience is None or plan.audience == audience]


def split_vat(total_cents: int, rate: Decimal = VAT_RATE) -> tuple[int, int]:
    """A price including VAT, split into its net amount and its VAT (rounded to the cent)."""
    net = int((Decimal(total_cents) * 100 / (100 + rate)).quantize(Decimal(1), ROUND_HALF_UP))
    return net, total_cents - net
