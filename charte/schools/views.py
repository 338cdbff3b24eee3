import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from charte.accounts.models import Role, User
from charte.accounts.queries import children_of
from charte.core import pdf
from charte.core.access import signed_in_view, viewer_of
from charte.core.cards import checks_card_numbers
from charte.core.errors import ActionError
from charte.core.paths import safe_path
from charte.core.views import Message, act, attempt
from charte.families.models import Invitation
from charte.schools import actions, queries, roster
from charte.schools.forms import (
    AddTeacherForm,
    ChoosePasswordForm,
    ClassForm,
    GuardianJoinForm,
    JoinForm,
    PlacePupilForm,
    PupilForm,
    RosterForm,
)
from charte.schools.models import School, SchoolClass, SchoolMember
from charte.schools.tabs import class_tabs


def class_page_context(viewer: User, school_class: SchoolClass, active: str) -> dict[str, object]:
    """What every tab of a class's pages shows in its header."""
    return {
        "school_class": school_class,
        "tabs": class_tabs(is_teacher=queries.teaches_class(viewer, school_class)),
        "active_tab": active,
    }


@signed_in_view
def classes(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if viewer.role == Role.SCHOOL_STAFF:
        return redirect("schools:my_school")
    if viewer.role in (Role.PUPIL, Role.PARENT):
        return redirect("schools:join")
    queries.access_by_role(viewer, Role.TEACHER)
    return render(
        request,
        "schools/classes.html",
        {"classes": queries.classes_taught_by(viewer), "schools": queries.schools_of(viewer)},
    )


@checks_card_numbers
@signed_in_view
def create_class(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    queries.access_by_role(viewer, Role.TEACHER)
    schools = queries.schools_of(viewer)
    form = ClassForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        created = attempt(
            request,
            lambda: actions.create_class(
                teacher=viewer,
                name=form.cleaned_data["name"],
                level=form.cleaned_data["level"],
                school=form.cleaned_data.get("school"),
                actor=viewer,
            ),
            success=lambda school_class: (
                _("La classe « %(name)s » est créée. Donnez son code à vos élèves.")
                % {"name": school_class.name}
            ),
            form=form,
        )
        if created.value is not None:
            return redirect("schools:class_detail", created.value.public_id)
    return render(request, "schools/class_form.html", {"form": form})


@signed_in_view
def class_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    school_class = queries.access_class_by_manager(viewer=viewer, public_id=public_id)
    return render(
        request,
        "schools/class_detail.html",
        {
            **class_page_context(viewer, school_class, "schools:class_detail"),
            "enrolments": queries.current_enrolments_of_class(school_class),
            "former": queries.former_enrolments_of_class(school_class)[:50],
            "teachers": queries.teachers_of_class(school_class),
            "is_teacher": queries.teaches_class(viewer, school_class),
            "continues": queries.class_continues(school_class),
            "waiting": queries.waiting_for_parents(school_class),
        },
    )


@signed_in_view
@require_POST
def continue_next_year(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The teacher confirms that the class continues: its pupils' accounts are kept a year more."""
    viewer = viewer_of(request)
    school_class = queries.access_class_by_manager(viewer=viewer, public_id=public_id)

    def renewed_until(renewed: int) -> str:
        kept_until, _done = queries.class_continues(school_class)
        return ngettext(
            "C'est noté : les comptes des élèves de la classe sont gardés jusqu'au "
            "%(date)s (%(count)s renouvelé maintenant).",
            "C'est noté : les comptes des élèves de la classe sont gardés jusqu'au "
            "%(date)s (%(count)s renouvelés maintenant).",
            renewed,
        ) % {"date": date_format(kept_until, "DATE_FORMAT"), "count": renewed}

    return act(
        request,
        lambda: actions.continue_next_year(school_class=school_class, actor=viewer),
        success=renewed_until,
        to="schools:class_detail",
        args=(school_class.public_id,),
    )


@signed_in_view
@require_POST
def class_code(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    school_class = queries.access_class_by_manager(viewer=viewer, public_id=public_id)
    if request.POST.get("do") == "close":
        actions.close_join_code(school_class=school_class, actor=viewer)
        messages.success(request, _("Plus personne ne peut rejoindre la classe avec un code."))
    else:
        actions.renew_join_code(school_class=school_class, actor=viewer)
        messages.success(
            request,
            _("Nouveau code : %(code)s. L'ancien ne fonctionne plus.")
            % {"code": school_class.display_code},
        )
    return redirect("schools:class_detail", school_class.public_id)


@signed_in_view
@require_POST
def archive(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """End of the year: the class closes, its pupils leave it, its history stays."""
    viewer = viewer_of(request)
    school_class = queries.access_class_by_manager(viewer=viewer, public_id=public_id)
    return act(
        request,
        lambda: actions.archive_class(school_class=school_class, actor=viewer),
        success=_("La classe « %(name)s » est archivée ; son historique est conservé.")
        % {"name": school_class.name},
        to="schools:class_detail",
        args=(school_class.public_id,),
    )


@signed_in_view
@require_POST
def remove_pupil(request: HttpRequest, public_id: uuid.UUID, enrolment: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    school_class = queries.access_class_by_manager(viewer=viewer, public_id=public_id)
    found = queries.access_enrolment_in_class(
        viewer=viewer, school_class=school_class, public_id=enrolment
    )
    return act(
        request,
        lambda: actions.end_enrolment(enrolment=found, actor=viewer),
        success=_("%(name)s ne fait plus partie de la classe ; son historique est conservé.")
        % {"name": found.pupil.full_name},
        to="schools:class_detail",
        args=(school_class.public_id,),
    )


@checks_card_numbers
@signed_in_view
def join(request: HttpRequest) -> HttpResponse:
    """A pupil joins their class with its code; a guardian does it for one of their children."""
    viewer = viewer_of(request)
    queries.access_by_role(viewer, Role.PUPIL, Role.PARENT)
    children = children_of(viewer) if viewer.role == Role.PARENT else None
    form: JoinForm
    if children is not None:
        form = GuardianJoinForm(request.POST or None, children=children)
    else:
        form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pupil = form.cleaned_data.get("child") or viewer
        joined = attempt(
            request,
            lambda: actions.join_class_with_code(
                pupil=pupil, code=form.cleaned_data["code"], actor=viewer
            ),
            success=lambda enrolment: (
                _("%(name)s fait maintenant partie de la classe « %(class)s ».")
                % {"name": pupil.first_name, "class": enrolment.school_class.name}
                if pupil != viewer
                else _("Bienvenue dans la classe « %(class)s » !")
                % {"class": enrolment.school_class.name}
            ),
            form=form,
            field="code",
        )
        if joined.done:
            return redirect("home")
    people = list(children) if children is not None else [viewer]
    placements = [(person, queries.current_enrolment(person)) for person in people]
    return render(
        request,
        "schools/join.html",
        {"form": form, "placements": placements, "for_children": children is not None},
    )


@signed_in_view
def my_school(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    queries.access_by_role(viewer, Role.SCHOOL_STAFF)
    schools = list(queries.schools_of(viewer, role=SchoolMember.Role.STAFF))
    if len(schools) == 1:
        return redirect("schools:school_detail", schools[0].public_id)
    return render(request, "schools/my_schools.html", {"schools": schools})


@checks_card_numbers
@signed_in_view
def school_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    school = queries.access_school_by_staff(viewer=viewer, public_id=public_id)
    classes = queries.classes_of_school(school)
    place_form = PlacePupilForm(classes=classes)
    teacher_form = AddTeacherForm()
    if request.method == "POST":
        if request.POST.get("form") == "teacher":
            teacher_form = AddTeacherForm(request.POST)
            if teacher_form.is_valid():
                added = attempt(
                    request,
                    lambda: _add_teacher(school, teacher_form.cleaned_data["email"], viewer),
                    success=lambda member: (
                        _("%(name)s fait maintenant partie de l'équipe.")
                        % {"name": member.person.full_name}
                    ),
                    form=teacher_form,
                    field="email",
                )
                if added.done:
                    return redirect("schools:school_detail", school.public_id)
        else:
            place_form = PlacePupilForm(request.POST, classes=classes)
            if place_form.is_valid():
                placed = attempt(
                    request,
                    lambda: actions.place_pupil(
                        pupil=queries.find_pupil_for_placement(
                            login=place_form.cleaned_data["login"]
                        ),
                        school_class=place_form.cleaned_data["school_class"],
                        actor=viewer,
                    ),
                    success=lambda enrolment: (
                        _("%(name)s est inscrit(e) en %(class)s.")
                        % {"name": enrolment.pupil.full_name, "class": enrolment.school_class.name}
                    ),
                    form=place_form,
                    field="login",
                )
                if placed.done:
                    return redirect("schools:school_detail", school.public_id)
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "classes": classes,
            "teachers": queries.teachers_of_school(school),
            "recent": queries.recent_enrolments_of_school(school),
            "place_form": place_form,
            "teacher_form": teacher_form,
        },
    )


def _add_teacher(school: School, email: str, viewer: User) -> SchoolMember:
    teacher = User.objects.by_login(email).first()
    if teacher is None:
        raise ActionError(_("Aucun compte n'utilise cette adresse e-mail."))
    return actions.add_school_member(
        school=school, person=teacher, role=SchoolMember.Role.TEACHER, actor=viewer
    )


# Pupils brought in by the school ---------------------------------------------------------------


def _pupil_added(added: tuple[User, bool]) -> str:
    pupil, created = added
    return (
        _("%(name)s est dans la classe, avec l'identifiant « %(login)s ».")
        if created
        else _("%(name)s était déjà dans la classe (identifiant « %(login)s »).")
    ) % {"name": pupil.full_name, "login": pupil.login}


def _pupils_imported(report: actions.ImportReport) -> str:
    return (
        ngettext("%(count)d élève créé", "%(count)d élèves créés", len(report.created))
        % {"count": len(report.created)}
        + " ; "
        + ngettext(
            "%(count)d déjà dans la classe.", "%(count)d déjà dans la classe.", len(report.found)
        )
        % {"count": len(report.found)}
    )


@checks_card_numbers
@signed_in_view
def add_pupil(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One pupil from the school's list, into this class."""
    viewer = viewer_of(request)
    school_class = queries.access_class_by_manager(viewer=viewer, public_id=public_id)
    form = PupilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = attempt(
            request,
            lambda: actions.create_pupil(
                school_class=school_class,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                birth_date=form.cleaned_data["birth_date"],
                actor=viewer,
            ),
            success=_pupil_added,
            form=form,
        )
        if added.done:
            return redirect("schools:class_detail", school_class.public_id)
    return render(
        request,
        "schools/pupil_form.html",
        {**class_page_context(viewer, school_class, "schools:class_detail"), "form": form},
    )


@checks_card_numbers
@signed_in_view
def import_pupils(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A class list from a CSV file: a preview of every line first, then the pupils created."""
    viewer = viewer_of(request)
    school_class = queries.access_class_by_manager(viewer=viewer, public_id=public_id)
    form = RosterForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {
        **class_page_context(viewer, school_class, "schools:class_detail"),
        "form": form,
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None:
                text = roster.decode(upload.read(roster.MAX_BYTES + 1))
            elif form.cleaned_data["content"]:
                text = form.cleaned_data["content"]
            else:
                raise roster.RosterError(_("Choisissez le fichier de la liste de la classe."))
            found = roster.read(text, class_name=school_class.name)
        except roster.RosterError as exc:
            form.add_error("file", str(exc))
        else:
            if request.POST.get("do") == "create" and upload is None:
                imported = attempt(
                    request,
                    lambda: actions.import_pupils(
                        school_class=school_class, rows=found.rows, actor=viewer
                    ),
                    success=_pupils_imported,
                    form=form,
                )
                if imported.done:
                    return redirect("schools:class_detail", school_class.public_id)
            context.update({"roster": found, "content": text})
    return render(request, "schools/import.html", context)


@dataclass(frozen=True)
class Printout:
    """A kind of document printed for a class: the action that prints it (and journals it),
    what to say when there is nothing to print, its template and context, its file's name."""

    make: Callable[[SchoolClass, User], Sequence[object]]
    nothing: Message
    template: str
    context: Callable[[Sequence[object], User], dict[str, object]]
    filename: str


LOGIN_CARDS = Printout(
    make=lambda school_class, viewer: actions.print_login_cards(
        school_class=school_class, actor=viewer
    ),
    nothing=gettext_lazy("Tous les élèves de la classe ont déjà choisi leur mot de passe."),
    template="schools/pdf/login_cards.html",
    context=lambda cards, viewer: {"cards": cards, "site_url": settings.SITE_URL},
    filename="cartes",
)
PARENT_LETTERS = Printout(
    make=lambda school_class, viewer: actions.print_parent_letters(
        school_class=school_class, actor=viewer
    ),
    nothing=gettext_lazy("Aucun compte de la classe n'attend l'accord d'un parent."),
    template="schools/pdf/parent_letters.html",
    context=lambda letters, viewer: {
        "letters": letters,
        "teacher": viewer,
        "letter_url": settings.SITE_URL + reverse("families:letter"),
        "days": Invitation.LETTER_VALID_DAYS,
    },
    filename="lettres",
)


def _print(request: HttpRequest, public_id: uuid.UUID, printout: Printout) -> HttpResponse:
    """A class's printed documents as one PDF to download, or back to the class saying why
    there is nothing to print."""
    viewer = viewer_of(request)
    school_class = queries.access_class_by_manager(viewer=viewer, public_id=public_id)
    rows = printout.make(school_class, viewer)
    if not rows:
        messages.info(request, printout.nothing)
        return redirect("schools:class_detail", school_class.public_id)
    document = pdf.render_pdf(
        printout.template, {"school_class": school_class, **printout.context(rows, viewer)}
    )
    return pdf.pdf_response(document, f"{printout.filename}-{school_class.name}.pdf", inline=False)


@signed_in_view
@require_POST
def login_cards(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The login cards of the pupils who have not chosen their password yet, as a PDF."""
    return _print(request, public_id, LOGIN_CARDS)


@signed_in_view
@require_POST
def parent_letters(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A letter to the parents of each pupil whose account waits for their consent, as a PDF."""
    return _print(request, public_id, PARENT_LETTERS)


@signed_in_view
@require_POST
def reset_password(request: HttpRequest, public_id: uuid.UUID, pupil: uuid.UUID) -> HttpResponse:
    """A new password for a pupil of the class, shown once; they choose their own next time."""
    viewer = viewer_of(request)
    school_class = queries.access_class_by_manager(viewer=viewer, public_id=public_id)
    person = queries.access_pupil_in_class(school_class=school_class, public_id=pupil)
    password = actions.reset_pupil_password(pupil=person, school_class=school_class, actor=viewer)
    return render(
        request,
        "schools/password_reset.html",
        {
            **class_page_context(viewer, school_class, "schools:class_detail"),
            "pupil": person,
            "password": password,
        },
    )


@checks_card_numbers
@signed_in_view
def choose_password(request: HttpRequest) -> HttpResponse:
    """The pupil replaces the password their school gave them with one of their own."""
    viewer = viewer_of(request)
    if not queries.must_choose_password(viewer):
        return redirect("home")
    form = ChoosePasswordForm(viewer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.choose_own_password(
            pupil=viewer,
            password=form.cleaned_data["new_password1"],
            actor=viewer,
            keep_session=request.session.session_key,
        )
        update_session_auth_hash(request, viewer)
        messages.success(request, _("C'est fait : ton mot de passe est celui que tu as choisi."))
        return redirect(_next_page(request))
    return render(request, "schools/choose_password.html", {"form": form})


def _next_page(request: HttpRequest) -> str:
    return safe_path(request.GET.get("next"), reverse("home"))


def sign_in_step(request: HttpRequest, user: User, previous_login: datetime | None) -> str | None:
    """After sign-in: a pupil with their school's password chooses their own first."""
    if user.role == Role.PUPIL and queries.must_choose_password(user):
        return reverse("schools:choose_password")
    return None
