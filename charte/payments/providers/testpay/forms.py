"""TestPay's card form. It lives on TestPay's page; the merchant's forms never see a card."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.core.cards import luhn_valid

APPROVED = "4242424242424242"
DECLINED = "4000000000000002"


class NoEchoInput(forms.TextInput):
    """A card field is never written back into the page, even when the form has errors."""

    def format_value(self, value: Any) -> str | None:
        return None


class CardForm(forms.Form):
    number = forms.CharField(
        label=_("Numéro de carte"),
        max_length=23,
        widget=NoEchoInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    expiry = forms.CharField(
        label=_("Expiration (MM/AA)"),
        max_length=5,
        widget=NoEchoInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/AA"}),
    )
    cvc = forms.CharField(
        label=_("Cryptogramme (3 chiffres au dos)"),
        max_length=4,
        widget=NoEchoInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )

    def clean_number(self) -> str:
        number = re.sub(r"[ -]", "", self.cleaned_data["number"])
        if not (number.isdigit() and 13 <= len(number) <= 19 and luhn_valid(number)):
            raise ValidationError(_("Ce numéro de carte n'est pas valide."))
        if number not in {APPROVED, DECLINED}:
            raise ValidationError(
                _("Ce site de démonstration n'accepte que ses cartes de test, jamais une vraie.")
            )
        return number

    def clean_expiry(self) -> tuple[int, int]:
        match = re.fullmatch(r"(\d{2})\s*/\s*(\d{2})", self.cleaned_data["expiry"].strip())
        if not match or not 1 <= int(match[1]) <= 12:
            raise ValidationError(_("Écrivez le mois et l'année, par exemple 04/29."))
        month, year = int(match[1]), 2000 + int(match[2])
        today = timezone.localdate()
        if (year, month) < (today.year, today.month):
            raise ValidationError(_("Cette carte a expiré."))
        return month, year

    def clean_cvc(self) -> str:
        cvc = self.cleaned_data["cvc"].strip()
        if not re.fullmatch(r"\d{3}", cvc):
            raise ValidationError(_("Le cryptogramme a 3 chiffres."))
        return cvc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("number") == DECLINED:
            raise ValidationError(
                _("Paiement refusé par la banque. Essayez une autre carte."), code="declined"
            )
        return cleaned
