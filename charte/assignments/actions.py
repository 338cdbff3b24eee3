"""Giving work, handing it in, and giving feedback. Each names its actor and writes the journal."""

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import Role, User
from charte.assignments import queries
from charte.assignments.models import AssignedPupil, Assignment, Production, ProductionFile
from charte.content.models import Exercise, Lesson
from charte.core import activity, quota
from charte.core.errors import ActionError, Conflict, NotFound
from charte.resources.models import Resource
from charte.resources.uploads import CheckedFile
from charte.schools import queries as schools
from charte.schools.models import SchoolClass

MAX_FILES = 5
MAX_TEXT = 20_000


@transaction.atomic
def create_assignment(
    *,
    school_class: SchoolClass,
    title: str,
    due_at: datetime,
    actor: User,
    instructions: str = "",
    exercise: Exercise | None = None,
    lesson: Lesson | None = None,
    resource: Resource | None = None,
    expects_production: bool = False,
    pupils: Sequence[User] | None = None,
) -> Assignment:
    """Give work to a class, or to some of its pupils (`pupils`), due at `due_at`."""
    if not schools.teaches_class(actor, school_class) or school_class.archived_at is not None:
        raise NotFound(_("Classe introuvable."))
    title = title.strip()
    if not title:
        raise ActionError(_("Donnez un titre au travail."))
    if exercise is None and not expects_production:
        raise ActionError(
            _("Choisissez un exercice, ou demandez un travail à rendre (ou les deux).")
        )
    if due_at <= timezone.now():
        raise ActionError(_("La date de rendu est déjà passée : choisissez une date à venir."))
    if resource is not None and resource.owner_id != actor.pk:
        raise NotFound(_("Ressource introuvable."))
    if exercise is not None and not exercise.is_published:
        raise ActionError(_("Cet exercice n'est plus proposé."))
    chosen: list[User] = []
    if pupils is not None:
        in_class = {p.pk for p in schools.pupils_of_class(school_class)}
        chosen = list({p.pk: p for p in pupils}.values())
        if not chosen:
            raise ActionError(_("Choisissez au moins un élève, ou toute la classe."))
        if any(p.pk not in in_class for p in chosen):
            raise ActionError(_("Un des élèves choisis n'est pas dans cette classe."))
    assignment = Assignment.objects.create(
        school_class=school_class,
        teacher=actor,
        title=title,
        instructions=instructions.strip(),
        exercise=exercise,
        lesson=lesson,
        resource=resource,
        expects_production=expects_production,
        due_at=due_at,
        whole_class=pupils is None,
    )
    AssignedPupil.objects.bulk_create(AssignedPupil(assignment=assignment, pupil=p) for p in chosen)
    audit.record(
        event="assignments.created",
        actor=actor,
        subject=actor,
        data={
            "assignment": str(assignment.public_id),
            "class": str(school_class.public_id),
            "exercise": exercise.slug if exercise else None,
            "pupils": len(chosen) if pupils is not None else "class",
        },
    )
    return assignment


@transaction.atomic
def delete_assignment(*, assignment: Assignment, actor: User) -> None:
    """Withdraw work given by mistake; refused once a pupil has handed something in."""
    if not schools.teaches_class(actor, assignment.school_class):
        raise NotFound(_("Travail introuvable."))
    if assignment.productions.exists():  # handed in, or a pupil's draft
        raise Conflict(
            _("Des élèves ont déjà commencé ou rendu ce travail : il ne peut plus être supprimé.")
        )
    audit.record(
        event="assignments.deleted",
        actor=actor,
        subject=actor,
        data={"assignment": str(assignment.public_id)},
    )
    assignment.delete()


@transaction.atomic
def hand_in(
    *,
    assignment: Assignment,
    pupil: User,
    text: str,
    files: Sequence[CheckedFile],
    actor: User,
    draft: bool = False,
) -> Production:
    """The pupil hands in (or completes) their production, until the teacher has given feedback.

    With `draft`, the pupil saves it without handing it in: the teacher does not see it and
    the due date does not count it; handing it in later stamps the moment it is handed in. A
    production handed in cannot go back to being a draft.
    """
    if actor.pk != pupil.pk or pupil.role != Role.PUPIL:
        raise ActionError(_("Seul l'élève rend son propre travail."))
    if not queries.is_for(assignment, pupil):
        raise NotFound(_("Travail introuvable."))
    if not assignment.expects_production:
        raise ActionError(_("Ce travail ne demande rien à rendre : fais l'exercice."))
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ActionError(
            _("Ton texte est trop long : %(max)s caractères au plus.") % {"max": MAX_TEXT}
        )
    production = (
        Production.objects.select_for_update().filter(assignment=assignment, pupil=pupil).first()
    )
    existing_files = production.files.count() if production else 0
    if existing_files + len(files) > MAX_FILES:
        raise ActionError(
            _("Pas plus de %(max)s fichiers par travail : retire-en un avant d'en ajouter.")
            % {"max": MAX_FILES}
        )
    if production is None and not text and not files:
        raise ActionError(
            _("Écris ton texte ou ajoute un fichier avant d'enregistrer ton brouillon.")
            if draft
            else _("Écris ton texte ou ajoute un fichier avant de rendre ton travail.")
        )
    if draft and production is not None and not production.is_draft:
        raise Conflict(_("Ton travail est déjà rendu : tu peux seulement le mettre à jour."))
    if files:
        quota.make_room(person=pupil, adding=sum(f.size for f in files))
    now = timezone.now()
    if production is None:
        try:
            with transaction.atomic():
                production = Production.objects.create(
                    assignment=assignment,
                    pupil=pupil,
                    text=text,
                    submitted_at=None if draft else now,
                    updated_at=now,
                )
        except IntegrityError as exc:
            raise Conflict(_("Ton travail vient d'être rendu ; recharge la page.")) from exc
        first = not draft
    else:
        if production.feedback_at is not None:
            raise Conflict(_("Ton enseignant a déjà corrigé ce travail : il ne peut plus changer."))
        first = production.is_draft and not draft
        if text:
            production.text = text
        if first:
            production.submitted_at = now
        production.updated_at = now
        production.save(update_fields=["text", "submitted_at", "updated_at"])
    for checked in files:
        stored = ProductionFile(
            production=production,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
        )
        stored.file.save(checked.name, checked.upload, save=False)
        stored.save()
    if first:
        activity.record(
            activity.Activity(
                pupil_id=pupil.pk,
                verb=activity.Verb.SUBMITTED,
                kind=activity.Kind.ASSIGNMENT,
                ref=str(assignment.public_id),
                at=now,
            )
        )
    if draft:
        event = "assignments.draft_saved"
    else:
        event = "assignments.handed_in" if first else "assignments.production_updated"
    audit.record(
        event=event,
        actor=actor,
        subject=pupil,
        data={
            "assignment": str(assignment.public_id),
            "production": str(production.public_id),
            "files": len(files),
            "late": not draft and now > assignment.due_at,
        },
    )
    return production


@transaction.atomic
def remove_production_file(*, stored: ProductionFile, actor: User) -> None:
    production = stored.production
    if actor.pk != production.pupil_id:
        raise NotFound(_("Fichier introuvable."))
    if production.feedback_at is not None:
        raise Conflict(_("Ton enseignant a déjà corrigé ce travail : il ne peut plus changer."))
    audit.record(
        event="assignments.file_removed",
        actor=actor,
        subject=production.pupil,
        data={"production": str(production.public_id), "file": str(stored.public_id)},
    )
    stored.delete()


@transaction.atomic
def give_feedback(*, production: Production, feedback: str, actor: User) -> Production:
    """The teacher's feedback on a production; it can be corrected later by a teacher."""
    if not schools.teaches_class(actor, production.assignment.school_class):
        raise NotFound(_("Production introuvable."))
    feedback = feedback.strip()
    if not feedback:
        raise ActionError(_("Écrivez votre appréciation."))
    first = production.feedback_at is None
    production.feedback = feedback
    production.feedback_at = timezone.now()
    production.feedback_by = actor
    production.save(update_fields=["feedback", "feedback_at", "feedback_by"])
    audit.record(
        event="assignments.feedback_given" if first else "assignments.feedback_changed",
        actor=actor,
        subject=production.pupil,
        data={"production": str(production.public_id)},
    )
    return production
