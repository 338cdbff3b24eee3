from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.cards import RefusesCardNumbers
from charte.schools.models import School, SchoolClass


class ClassForm(RefusesCardNumbers, forms.Form):
    name = forms.CharField(
        label=_("Nom de la classe"),
        max_length=60,
        help_text=_("Tel que vos élèves le connaissent, par exemple « 5e B » ou « Atelier EMC »."),
    )
    level = forms.ChoiceField(label=_("Niveau"), choices=SchoolClass.Level.choices)
    school = forms.ModelChoiceField(
        label=_("Établissement"),
        queryset=School.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Aucun (classe indépendante)"),
        help_text=_(
            "Facultatif : le personnel de l'établissement verra alors la classe et ses élèves."
        ),
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        if not schools.exists():
            del self.fields["school"]
        elif schools.count() == 1:
            self.fields["school"].initial = schools.first()


class JoinForm(RefusesCardNumbers, forms.Form):
    code = forms.CharField(
        label=_("Code de la classe"),
        max_length=20,
        help_text=_("Six lettres et chiffres, donnés par ton enseignant (par exemple K7M-P4Q)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class GuardianJoinForm(JoinForm):
    """A guardian enters the code for one of their children."""

    child = forms.ModelChoiceField(
        label=_("Pour"), queryset=User.objects.none(), empty_label=None, to_field_name="public_id"
    )

    field_order = ["child", "code"]

    def __init__(self, *args: Any, children: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children  # type: ignore[attr-defined]
        self.fields["child"].label_from_instance = lambda u: u.first_name  # type: ignore[attr-defined]
        self.fields["code"].help_text = _("Six lettres et chiffres, donnés par l'enseignant.")


class PlacePupilForm(RefusesCardNumbers, forms.Form):
    login = forms.CharField(
        label=_("Identifiant ou adresse e-mail de l'élève"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    school_class = forms.ModelChoiceField(
        label=_("Classe"),
        queryset=SchoolClass.objects.none(),
        empty_label=None,
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, classes: QuerySet[SchoolClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes  # type: ignore[attr-defined]


class AddTeacherForm(RefusesCardNumbers, forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de l'enseignant"),
        help_text=_("L'enseignant doit déjà avoir un compte enseignant sur la plateforme."),
    )


class PupilForm(RefusesCardNumbers, forms.Form):
    """One pupil from the school's list: what the school's registry holds, nothing more."""

    last_name = forms.CharField(label=_("Nom"), max_length=80)
    first_name = forms.CharField(label=_("Prénom"), max_length=80)
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        help_text=_(
            "Elle décide si un parent doit donner son accord (avant 15 ans) : le compte reste "
            "alors fermé jusque-là."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RosterForm(RefusesCardNumbers, forms.Form):
    """A class list: the file first; then, after the preview, the same text sent back."""

    file = forms.FileField(
        label=_("Liste de la classe (fichier CSV)"),
        required=False,
        help_text=_(
            "Colonnes « Nom », « Prénom », « Date de naissance » et, si vous voulez, « Classe », "
            "comme les exports du logiciel de vie scolaire ; UTF-8 ou Windows (Excel), "
            "séparées par des virgules ou des points-virgules."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    content = forms.CharField(required=False, widget=forms.HiddenInput, max_length=400_000)


class ChoosePasswordForm(RefusesCardNumbers, SetPasswordForm):
    """A pupil replaces the password their school gave with their own."""
