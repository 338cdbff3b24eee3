import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charte.accounts.models import Role, User
from charte.accounts.queries import access_person_by_viewer, children_of
from charte.coach import actions, queries
from charte.core.access import signed_in_view, viewer_of
from charte.core.views import act


def next_step(request: HttpRequest) -> HttpResponse:
    """ "Que faire ensuite ?": the pupil's suggestions, a child's for a guardian, or a visitor's."""
    viewer = request.user if isinstance(request.user, User) else None
    wanted = request.GET.get("eleve")
    pupil = None
    children: list[User] = []
    if viewer is not None and viewer.role == Role.PUPIL:
        pupil = viewer
    elif viewer is not None and viewer.role == Role.PARENT:
        children = list(children_of(viewer))
        pupil = next((c for c in children if str(c.public_id) == wanted), None)
        pupil = pupil or (children[0] if children and not wanted else None)
    # A named pupil one may not see is not found, whoever asks.
    if wanted and (pupil is None or str(pupil.public_id) != wanted):
        raise Http404
    advice = queries.advice_for(pupil)
    return render(
        request,
        "coach/next.html",
        {"advice": advice, "pupil": pupil, "children": children, "is_own": pupil == viewer},
    )


@signed_in_view
@require_POST
def objection(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    """Object to the personalised coach, or withdraw the objection, for oneself or one's child."""
    viewer = viewer_of(request)
    pupil = access_person_by_viewer(viewer=viewer, public_id=person)
    to, args = (
        ("accounts:privacy_centre", ())
        if pupil.pk == viewer.pk
        else ("accounts:privacy_centre_person", (pupil.public_id,))
    )
    if request.POST.get("do") == "withdraw":
        return act(
            request,
            lambda: actions.withdraw_objection(pupil=pupil, actor=viewer),
            success=_("Le coach utilise de nouveau les résultats."),
            to=to,
            args=args,
        )
    return act(
        request,
        lambda: actions.object_to_personalisation(pupil=pupil, actor=viewer),
        success=_(
            "C'est noté : le coach n'utilise plus les résultats et propose la même chose "
            "qu'à tout le monde."
        ),
        to=to,
        args=args,
    )
