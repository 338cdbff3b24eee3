from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.core.cards import RefusesCardNumbers
from charte.retention.models import LegalHold


class DayForm(RefusesCardNumbers, forms.Form):
    """The day the DPO looks from (the forecast) or simulates a sweep on (the dry run)."""

    day = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Par défaut, aujourd'hui."),
    )

    def day_or_today(self) -> date:
        if self.is_valid() and self.cleaned_data.get("day"):
            day: date = self.cleaned_data["day"]
            return day
        return timezone.localdate()


class HoldForm(RefusesCardNumbers, forms.Form):
    reason = forms.ChoiceField(label=_("Motif"), choices=LegalHold.Reason.choices)
    reference = forms.CharField(
        label=_("Référence du dossier"),
        max_length=100,
        required=False,
        help_text=_("Un numéro de dossier ou de demande ; jamais un nom."),
    )
    until = forms.DateField(
        label=_("Jusqu'au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Laissez vide pour un gel jusqu'à sa levée."),
    )


class ObjectHoldForm(HoldForm):
    model_label = forms.CharField(
        label=_("Type d'objet"),
        max_length=100,
        help_text=_("Par exemple notifications.Message."),
    )
    object_id = forms.UUIDField(label=_("Identifiant public de l'objet"))

    field_order = ["model_label", "object_id", "reason", "reference", "until"]

    def hold_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "model_label": data["model_label"].strip(),
            "object_id": str(data["object_id"]),
            "reason": data["reason"],
            "reference": data["reference"],
            "until": data["until"],
        }
