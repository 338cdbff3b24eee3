from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from charte.core.cards import RefusesCardNumbers, reject_card_numbers
from charte.payments.models import Audience, Order
from charte.payments.plans import Plan


class CheckoutForm(RefusesCardNumbers, forms.Form):
    """What an invoice needs, and nothing else: the card is typed on the provider's page."""

    billing_name = forms.CharField(
        label=_("Nom sur la facture"),
        max_length=160,
        validators=[reject_card_numbers],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    billing_address = forms.CharField(
        label=_("Adresse de facturation"),
        max_length=500,
        validators=[reject_card_numbers],
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_(
            "Une facture doit porter le nom et l'adresse du client (Code de commerce, "
            "art. L441-9). Elle est gardée 10 ans, comme la loi l'exige."
        ),
    )
    organisation = forms.CharField(
        label=_("Établissement"),
        max_length=160,
        validators=[reject_card_numbers],
        help_text=_(
            "Le nom de l'établissement que couvre la licence, tel qu'il figurera sur la facture."
        ),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plan.audience != Audience.SCHOOL:
            del self.fields["organisation"]


def recent_months(today: date, count: int = 24) -> list[tuple[str, str]]:
    """The `count` months up to `today`'s, newest first, as ("2026-11", "novembre 2026")."""
    months = []
    year, month = today.year, today.month
    for _month in range(count):
        first = date(year, month, 1)
        months.append((f"{year:04d}-{month:02d}", date_format(first, "YEAR_MONTH_FORMAT")))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


class AccountingFilterForm(RefusesCardNumbers, forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous")), *Order.Status.choices],
    )
    month = forms.ChoiceField(label=_("Mois"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        month = self.fields["month"]
        assert isinstance(month, forms.ChoiceField)
        month.choices = [("", _("Tous les mois")), *recent_months(timezone.localdate())]

    def clean_month(self) -> date | None:
        value = self.cleaned_data.get("month")
        if not value:
            return None
        year, month = value.split("-")
        return date(int(year), int(month), 1)


class LicenceFilterForm(RefusesCardNumbers, forms.Form):
    state = forms.ChoiceField(
        label=_("Licences"),
        required=False,
        choices=[
            ("", _("Toutes")),
            ("active", _("En cours")),
            ("expiring", _("Finissent dans les 60 jours")),
            ("expired", _("Terminées")),
        ],
    )
