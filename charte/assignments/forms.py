from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.assignments.actions import MAX_FILES, MAX_TEXT
from charte.content.models import Exercise, Lesson
from charte.core.cards import RefusesCardNumbers
from charte.core.quota import Usage
from charte.resources.forms import checked_file, upload_help
from charte.resources.models import Resource
from charte.resources.uploads import CheckedFile

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, each checked by our upload rules."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        uploads: list[UploadedFile] = [
            d for d in (data if isinstance(data, list | tuple) else [data]) if d
        ]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(
                _("Pas plus de %(max)s fichiers à la fois.") % {"max": MAX_FILES}
            )
        checked, errors = [], []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                found = checked_file(upload)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
                continue
            if found is not None:
                checked.append(found)
        if errors:
            raise forms.ValidationError(errors)
        return checked


def next_week_morning() -> datetime:
    day = timezone.localdate() + timedelta(days=7)
    return timezone.make_aware(datetime.combine(day, time(8, 0)))


class AssignmentForm(RefusesCardNumbers, forms.Form):
    title = forms.CharField(
        label=_("Titre"),
        max_length=160,
        help_text=_(
            "Ce que vos élèves liront dans leur liste, par exemple « Les symboles de la "
            "République »."
        ),
    )
    exercise = forms.ChoiceField(label=_("Exercice à faire"), required=False)
    expects_production = forms.BooleanField(
        label=_("Les élèves doivent rendre un travail (texte ou fichiers)"), required=False
    )
    instructions = forms.CharField(
        label=_("Consignes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    due_at = forms.DateTimeField(
        label=_("À rendre pour le"),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    lesson = forms.ModelChoiceField(
        label=_("Leçon à relire"),
        queryset=Lesson.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Aucune"),
    )
    resource = forms.ModelChoiceField(
        label=_("Une de mes ressources à joindre"),
        queryset=Resource.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Aucune"),
    )
    audience = forms.ChoiceField(
        label=_("Pour qui ?"),
        choices=[("class", _("Toute la classe")), ("some", _("Seulement les élèves cochés"))],
        widget=forms.RadioSelect,
        initial="class",
    )
    pupils = forms.ModelMultipleChoiceField(
        label=_("Élèves"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        exercises: QuerySet[Exercise],
        lessons: QuerySet[Lesson],
        resources: QuerySet[Resource],
        pupils: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("due_at", next_week_morning())
        super().__init__(*args, **kwargs)
        self._exercises = {e.slug: e for e in exercises}
        groups: dict[str, list[tuple[str, str]]] = {}
        for e in exercises:
            groups.setdefault(e.competency.display_title, []).append(
                (e.slug, f"{e.get_difficulty_display()} — {e.display_title}")
            )
        self.fields["exercise"].choices = [("", _("Aucun exercice")), *groups.items()]  # type: ignore[attr-defined]
        self.fields["lesson"].queryset = lessons  # type: ignore[attr-defined]
        self.fields["resource"].queryset = resources  # type: ignore[attr-defined]
        self.fields["pupils"].queryset = pupils  # type: ignore[attr-defined]
        self.fields["pupils"].label_from_instance = lambda u: u.full_name  # type: ignore[attr-defined]
        self.fields["lesson"].label_from_instance = lambda lesson: lesson.display_title  # type: ignore[attr-defined]

    def clean_exercise(self) -> Exercise | None:
        slug = self.cleaned_data.get("exercise")
        return self._exercises.get(slug) if slug else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("audience") == "some" and not data.get("pupils"):
            self.add_error("pupils", _("Cochez au moins un élève, ou choisissez toute la classe."))
        if not data.get("exercise") and not data.get("expects_production"):
            self.add_error(
                "exercise",
                _("Choisissez un exercice, ou cochez « Les élèves doivent rendre un travail »."),
            )
        return data


class ProductionForm(RefusesCardNumbers, forms.Form):
    text = forms.CharField(
        label=_("Mon texte"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    attachments = MultipleFileField(label=_("Mes fichiers"), required=False)

    def __init__(self, *args: Any, storage: Usage | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = upload_help(storage, files=MAX_FILES)


class FeedbackForm(RefusesCardNumbers, forms.Form):
    feedback = forms.CharField(
        label=_("Votre appréciation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("L'élève et ses parents la liront."),
    )
