import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from charte.accounts import reentry
from charte.accounts.models import Role, User
from charte.core.cards import RefusesCardNumbers
from charte.subject_requests import deadlines, rules
from charte.subject_requests.models import (
    Channel,
    Decision,
    Directive,
    Ground,
    IdentityMethod,
    Kind,
    Relation,
)
from charte.subject_requests.queries import staff_fields


def _set_choices(field: forms.Field, choices: Any) -> None:
    field.choices = choices  # type: ignore[attr-defined]


class PasswordCheckMixin(RefusesCardNumbers, forms.Form):
    """Asks for the password again when the last time is more than a few minutes old.

    Each attempt is checked, journalled and slowed like a sign-in (charte.accounts.reentry)."""

    reentry_purpose = "subject_request"

    def add_password(self, user: User, needed: bool, *, request: HttpRequest) -> None:
        self.user = user
        self.request = request
        if needed and user.role == Role.PUPIL:  # pupils are spoken to in "tu"
            self.fields["password"] = forms.CharField(
                label=_("Ton mot de passe"),
                help_text=_(
                    "Pour vérifier que c'est bien toi : nous ne répondons à une demande qu'une "
                    "fois sûrs de savoir qui l'a faite."
                ),
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
        elif needed:
            self.fields["password"] = forms.CharField(
                label=_("Votre mot de passe"),
                help_text=_(
                    "Pour vérifier que c'est bien vous : nous ne répondons à une demande qu'après "
                    "nous être assurés de l'identité de son auteur."
                ),
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )

    def clean_password(self) -> str:
        password = str(self.cleaned_data.get("password", ""))
        reentry.check_again(
            request=self.request, user=self.user, password=password, purpose=self.reentry_purpose
        )
        return password


class RequestForm(PasswordCheckMixin):
    details = forms.CharField(
        label=_("Précisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        user: User,
        needs_password: bool,
        request: HttpRequest,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        # A pupil asks for themself, in "tu"; a guardian or an adult, in "vous".
        pupil = user.role == Role.PUPIL
        if kind == Kind.OBJECTION:
            self.fields["purposes"] = forms.MultipleChoiceField(
                label=_("Les usages auxquels tu t'opposes")
                if pupil
                else _("Les usages auxquels vous vous opposez"),
                choices=[
                    (p.code, p.name_for(pupil=pupil))
                    for p in rules.objectable_purposes(pupil=pupil)
                ],
                widget=forms.CheckboxSelectMultiple,
            )
        help_texts = {
            Kind.RECTIFICATION: _(
                "Dites ce qui est inexact ou incomplet, et ce qu'il faudrait écrire à la place."
            ),
            Kind.ERASURE: _("Facultatif : vous n'avez pas à justifier votre demande."),
            Kind.RESTRICTION: _(
                "Dites pourquoi : vous contestez l'exactitude des données, ou vous avez besoin "
                "qu'elles soient conservées, par exemple."
            ),
        }
        if pupil:
            help_texts = {
                Kind.RECTIFICATION: _(
                    "Dis ce qui est faux ou incomplet, et ce qu'il faudrait écrire à la place."
                ),
                Kind.ERASURE: _("Facultatif : tu n'as pas à expliquer pourquoi."),
                Kind.RESTRICTION: _(
                    "Dis pourquoi : par exemple, une donnée te semble fausse, ou tu as besoin "
                    "qu'elle soit gardée."
                ),
            }
        self.fields["details"].help_text = help_texts.get(Kind(kind), _("Facultatif."))
        self.fields["details"].required = kind == Kind.RECTIFICATION
        self.add_password(user, needs_password, request=request)


class AccountForm(RefusesCardNumbers, forms.Form):
    """ "Mes informations": what the person gave us, to correct it themself."""

    first_name = forms.CharField(label=_("Prénom"), max_length=80)
    last_name = forms.CharField(label=_("Nom"), max_length=80, required=False)
    phone = forms.CharField(
        label=_("Téléphone"),
        max_length=32,
        required=False,
        help_text=_("Facultatif : seulement pour que le service client puisse vous rappeler."),
    )
    language = forms.ChoiceField(label=_("Langue"), choices=[])
    country = forms.CharField(
        label=_("Pays de résidence (code à deux lettres)"),
        max_length=2,
        min_length=2,
        help_text=_("Il fixe l'âge à partir duquel un élève consent seul (15 ans en France)."),
    )

    def __init__(self, *args: Any, person: User, pupil: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["language"], settings.LANGUAGES)
        if pupil:  # pupils are spoken to in "tu"
            self.fields["phone"].help_text = _(
                "Facultatif : seulement pour que le service client puisse te rappeler."
            )
        if person.needs_guardian(deadlines.today()):
            # A child is reached through their guardians: no address or number of their own.
            del self.fields["phone"]
            # What decides parental control is shown, read-only, beside the form: only a
            # guardian or the DPO changes it (charte.accounts.guardian_rule).
            del self.fields["country"]

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()


class EmailChangeForm(PasswordCheckMixin):
    """A new sign-in address: the current password first, then a link to the new address."""

    reentry_purpose = "email_change"

    new_email = forms.EmailField(
        label=_("Nouvelle adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "Nous y envoyons un lien : elle ne remplace l'actuelle qu'une fois ce lien ouvert."
        ),
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_password(user, True, request=request)
        self.fields["password"].help_text = _(
            "Pour vérifier que c'est bien vous : qui change l'adresse d'un compte peut ensuite "
            "en changer le mot de passe."
        )


class DirectiveForm(RefusesCardNumbers, forms.Form):
    trusted_name = forms.CharField(label=_("Nom de votre personne de confiance"), max_length=160)
    trusted_email = forms.EmailField(label=_("Son adresse e-mail"))
    wish = forms.ChoiceField(
        label=_("Ce que vous souhaitez pour vos données"),
        choices=Directive.Wish.choices,
        widget=forms.RadioSelect,
    )
    instructions = forms.CharField(
        label=_("Précisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, pupil: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pupil:  # pupils are spoken to in "tu"
            self.fields["trusted_name"].label = _("Nom de ta personne de confiance")
            self.fields["wish"].label = _("Ce que tu veux pour tes données")


class StaffOpenForm(RefusesCardNumbers, forms.Form):
    login = forms.CharField(
        label=_("Personne concernée (adresse e-mail ou identifiant)"), max_length=254
    )
    kind = forms.ChoiceField(label=_("Type de demande"), choices=[])
    channel = forms.ChoiceField(
        label=_("Reçue"),
        choices=[
            (c.value, c.label) for c in Channel if c not in (Channel.ONLINE, Channel.OPERATOR)
        ],
    )
    relation = forms.ChoiceField(label=_("Demandée par"), choices=Relation.choices)
    requester_login = forms.CharField(
        label=_("Compte du demandeur, s'il en a un (adresse e-mail ou identifiant)"),
        required=False,
        max_length=254,
        help_text=_("Laissez vide si la personne demande pour elle-même."),
    )
    purposes = forms.MultipleChoiceField(
        label=_("Usages visés (opposition)"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    details = forms.CharField(
        label=_("Ce que la personne demande"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self.fields["kind"], [(k.value, k.label) for k in Kind if k != Kind.DIRECTIVES]
        )
        _set_choices(
            self.fields["purposes"], [(p.code, p.name) for p in rules.objectable_purposes()]
        )


class IdentityForm(RefusesCardNumbers, forms.Form):
    method = forms.ChoiceField(
        label=_("Méthode"),
        choices=[
            (m.value, m.label)
            for m in IdentityMethod
            if m not in (IdentityMethod.REAUTHENTICATION, IdentityMethod.OPERATOR)
        ],
    )
    evidence = forms.CharField(
        label=_("Ce que vous avez vérifié"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : « réponse reçue depuis l'adresse du compte le 3 mars »."),
    )
    verified = forms.TypedChoiceField(
        label=_("Résultat"),
        choices=[("1", _("Identité établie")), ("0", _("Identité non établie"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )


class NoteForm(RefusesCardNumbers, forms.Form):
    text = forms.CharField(label=_("Note interne"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(RefusesCardNumbers, forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    ground = forms.ChoiceField(
        label=_("Fondement (si refusée ou acceptée en partie)"),
        choices=[("", "—"), *Ground.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Explication pour la personne"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Obligatoire en cas de refus ou d'acceptation partielle : elle lui sera envoyée."
        ),
    )


class ExtendForm(RefusesCardNumbers, forms.Form):
    until = forms.DateField(
        label=_("Nouvelle échéance"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Motif, envoyé à la personne"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RectifyForm(RefusesCardNumbers, forms.Form):
    field = forms.ChoiceField(label=_("Information à corriger"), choices=[])
    value = forms.CharField(label=_("Nouvelle valeur"), required=False, max_length=254)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self.fields["field"],
            [
                (name, str(User._meta.get_field(name).verbose_name).capitalize())  # type: ignore[union-attr]
                for name in staff_fields()
            ],
        )


class BulkForm(RefusesCardNumbers, forms.Form):
    """The queue's bulk action: the requests ticked (a value that is no public id is passed
    over, as a request that no longer exists is) and what to do with them."""

    action = forms.ChoiceField(
        choices=[("assign", _("Me les attribuer")), ("approve", _("Accepter (identité vérifiée)"))]
    )
    ids = forms.Field(widget=forms.MultipleHiddenInput)

    def clean_ids(self) -> list[uuid.UUID]:
        ids = []
        for value in self.cleaned_data["ids"] or ():
            try:
                ids.append(uuid.UUID(str(value)))
            except ValueError:
                continue
        if not ids:
            raise forms.ValidationError(_("Choisissez des demandes."))
        return ids
