from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from charte.cookies import actions, queries
from charte.cookies.forms import ChoiceForm
from charte.cookies.models import Action, Method
from charte.core.actors import ANONYMOUS
from charte.core.cards import checks_card_numbers
from charte.core.paths import safe_path


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@checks_card_numbers
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The cookies page: see and change the choice without JavaScript; the banner posts here too."""
    consent = queries.consent_of(request)
    pupil = queries.speaks_to_pupil(request)
    form = ChoiceForm(request.POST if request.method == "POST" else None, pupil=pupil)
    if request.method == "POST":
        if not form.is_valid():
            if _wants_json(request):
                return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
            return _page(request, form, status=400)
        gpc = queries.gpc_sent(request) or form.cleaned_data["gpc"]
        user = request.user if request.user.is_authenticated else None
        action = Action(form.cleaned_data["action"])
        _record, new = actions.record_choice(
            choice=form.choice(previous=consent, gpc=gpc),
            action=action,
            method=Method.EMBED
            if action == Action.GRANT
            else (Method.BANNER if _wants_json(request) else Method.PAGE),
            previous=consent,
            user=user,
            actor=user or ANONYMOUS,
            gpc=gpc,
            language=translation.get_language() or "fr",
            user_agent=request.headers.get("User-Agent", ""),
        )
        queries.remember(request, new)
        if _wants_json(request):
            return JsonResponse(queries.banner_state(request, new))
        messages.success(
            request,
            _("Ton choix est enregistré. Tu peux le changer quand tu veux.")
            if pupil
            else _("Votre choix est enregistré. Vous pouvez le changer quand vous voulez."),
        )
        return redirect(safe_path(form.cleaned_data["next"], reverse("cookies:preferences")))
    return _page(request, form)


def _page(request: HttpRequest, form: ChoiceForm, status: int = 200) -> HttpResponse:
    consent = queries.consent_of(request)
    choice = consent.effective()
    user = request.user
    pupil = queries.speaks_to_pupil(request)
    return render(
        request,
        "cookies/preferences.html",
        {
            "form": form,
            "consent": consent,
            "pupil": pupil,
            "exempt": queries.display_categories(choice, exempt=True, pupil=pupil),
            "optional": queries.display_categories(choice, exempt=False, pupil=pupil),
            "gpc": queries.gpc_sent(request),
            "browser_history": queries.history_of_browser(consent),
            "names": queries.category_names(pupil=pupil),
            "section": queries.privacy_section(user, user) if user.is_authenticated else None,
        },
        status=status,
    )
