from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from charte.audit.queries import Search, person_by_login, ref_public_id
from charte.core.cards import RefusesCardNumbers

SYSTEM_PREFIX = "system:"


class SearchForm(RefusesCardNumbers, forms.Form):
    """A search of the journal. People are typed as an email, a username or a public id, and
    kept by the search only as their reference ("user:<public id>")."""

    person = forms.CharField(
        label=_("Personne concernée"),
        required=False,
        max_length=254,
        help_text=_(
            "Adresse e-mail, identifiant de connexion ou identifiant public (pour une personne "
            "dont le compte a été supprimé)."
        ),
    )
    actor = forms.CharField(
        label=_("Auteur"),
        required=False,
        max_length=254,
        help_text=_(
            "Comme ci-dessus, ou une tâche du système : « system:retention », « system:watch »…"
        ),
    )
    event = forms.CharField(
        label=_("Événement"),
        required=False,
        max_length=64,
        help_text=_("Un événement précis, ou une famille : « auth.* », « read.* », « alert.* »."),
        widget=forms.TextInput(attrs={"list": "journal-events", "autocomplete": "off"}),
    )
    start = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_person(self) -> str:
        return self._ref(self.cleaned_data["person"], system=False)

    def clean_actor(self) -> str:
        return self._ref(self.cleaned_data["actor"], system=True)

    def clean_event(self) -> str:
        event = self.cleaned_data["event"].strip()
        allowed = set("abcdefghijklmnopqrstuvwxyz0123456789_.*")
        if event and (not set(event) <= allowed or "*" in event[:-1]):
            raise forms.ValidationError(
                _("Un événement s'écrit en minuscules, par exemple « auth.login » ou « auth.* ».")
            )
        return event

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("La fin de la période précède son début."))
        return cleaned

    def _ref(self, text: str, *, system: bool) -> str:
        text = text.strip()
        if not text:
            return ""
        if system and text.startswith(SYSTEM_PREFIX) and text[len(SYSTEM_PREFIX) :].isidentifier():
            return text
        person = person_by_login(text)
        if person is not None:
            return f"user:{person.public_id}"  # type: ignore[attr-defined]
        public_id = ref_public_id(text)
        if public_id is not None:  # an account since erased: its entries keep its reference
            return f"user:{public_id}"
        raise forms.ValidationError(
            _(
                "Aucun compte ne correspond. Pour une personne dont le compte a été supprimé, "
                "saisissez son identifiant public."
            )
        )

    def search(self) -> Search:
        data = self.cleaned_data
        return Search(
            person=data.get("person", ""),
            actor=data.get("actor", ""),
            event=data.get("event", ""),
            start=data.get("start"),
            end=data.get("end"),
        )
