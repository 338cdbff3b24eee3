from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from charte.cookies import catalogue, categories, choices, tcf
from charte.cookies.choices import Choice, Consent
from charte.cookies.models import Action
from charte.core.cards import RefusesCardNumbers


class ChoiceForm(RefusesCardNumbers, forms.Form):
    """A choice as the banner, the cookies page or an embed's button sends it; its errors
    speak to a pupil (`pupil`) in "tu"."""

    action = forms.ChoiceField(
        choices=Action.choices,
        error_messages={"required": _("Choisissez : tout accepter, tout refuser ou vos choix.")},
    )
    category = forms.MultipleChoiceField(required=False)
    purpose = forms.TypedMultipleChoiceField(required=False, coerce=int)
    feature = forms.TypedMultipleChoiceField(required=False, coerce=int)
    gpc = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, pupil: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pupil = pupil
        if pupil:
            self.fields["action"].error_messages["required"] = _(
                "Choisis : tout accepter, tout refuser ou tes choix."
            )
        fields = {name: cast(forms.ChoiceField, self.fields[name]) for name in self.fields}
        fields["category"].choices = [(c.code, c.code) for c in catalogue.consent_categories()]
        fields["purpose"].choices = [(n, n) for n in categories.IAB_PURPOSES]
        fields["feature"].choices = [(n, n) for n in categories.IAB_SPECIAL_FEATURES]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == Action.GRANT and len(data.get("category") or []) != 1:
            raise forms.ValidationError(
                _("Dis pour quelle catégorie tu donnes ton accord.")
                if self.pupil
                else _("Dites pour quelle catégorie vous donnez votre accord.")
            )
        return data

    def choice(self, *, previous: Consent, gpc: bool) -> Choice:
        data = self.cleaned_data
        vendors = tcf.configured_vendors()
        action = Action(data["action"])
        if action == Action.ACCEPT_ALL:
            return choices.accept_all(gpc=gpc, vendors=vendors)
        if action == Action.REFUSE_ALL:
            return choices.refuse_all()
        if action == Action.GRANT:
            return previous.effective().with_category(data["category"][0], vendors=vendors)
        return choices.from_form(
            categories=data["category"],
            purposes=[str(n) for n in data["purpose"]],
            features=[str(n) for n in data["feature"]],
            vendors=vendors,
        )
