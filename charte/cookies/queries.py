"""Reads about cookie choices: the consent a request carries, what the pages show, the history."""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import reverse

from charte.accounts.models import Role
from charte.cookies import catalogue, categories, choices, tcf
from charte.cookies.choices import Choice, Consent
from charte.cookies.models import ConsentRecord
from charte.privacy import register

if TYPE_CHECKING:
    from charte.accounts.models import User

HISTORY_LENGTH = 20
_CONSENT = "_charte_cookie_consent"
_NEW = "_charte_cookie_new_consent"


def consent_of(request: HttpRequest) -> Consent:
    """The consent this request carries: the one chosen during it, else the browser's cookie."""
    new = getattr(request, _NEW, None)
    if new is not None:
        return new
    cached = getattr(request, _CONSENT, None)
    if cached is None:
        cached = choices.loads(
            request.COOKIES.get(catalogue.cookie_name(categories.CONSENT_COOKIE))
        )
        setattr(request, _CONSENT, cached)
    return cached


def remember(request: HttpRequest, consent: Consent) -> None:
    """Mark the consent chosen during this request; the middleware writes it to the cookies."""
    setattr(request, _NEW, consent)


def chosen_during(request: HttpRequest) -> Consent | None:
    return getattr(request, _NEW, None)


def gpc_sent(request: HttpRequest) -> bool:
    return request.headers.get("Sec-GPC", "").strip() == "1"


def speaks_to_pupil(request: HttpRequest) -> bool:
    """Whether the banner and the cookies page speak to a pupil, in "tu": a signed-in pupil,
    whatever their age. Adults and visitors not signed in are spoken to in "vous"."""
    return getattr(request.user, "role", None) == Role.PUPIL


def display_categories(
    choice: Choice, *, exempt: bool, pupil: bool = False
) -> list[dict[str, Any]]:
    """The categories as the banner and the pages list them, with the switches' states, in
    the words of the one who reads them (`pupil`: in "tu")."""
    shown = []
    for c in catalogue.categories():
        if c.exempt != exempt:
            continue
        purpose = register.PURPOSE_BY_CODE[c.purpose]
        shown.append(
            {
                "code": c.code,
                "exempt": c.exempt,
                "name": purpose.name_for(pupil=pupil),
                "description": purpose.description_for(pupil=pupil),
                "checked": c.code in choice.categories,
                "gpc": c.refused_under_gpc,
                "trackers": [
                    {
                        "name": catalogue.shown_name(t) + ("…" if t.prefix else ""),
                        "lifetime": t.lifetime,
                        "note": t.note_for(pupil=pupil),
                        "set_by": t.set_by.label,
                        "recipients": [register.RECIPIENT_BY_CODE[r].name for r in t.recipients],
                    }
                    for t in c.trackers
                ],
                "purposes": [
                    {
                        "id": n,
                        "name": categories.iab_purpose(n, pupil=pupil),
                        "checked": n in choice.purposes,
                    }
                    for n in c.iab_purposes
                ],
                "features": [
                    {
                        "id": n,
                        "name": categories.iab_special_feature(n, pupil=pupil),
                        "checked": n in choice.features,
                    }
                    for n in c.iab_special_features
                ],
            }
        )
    return shown


def banner_state(request: HttpRequest, consent: Consent) -> dict[str, Any]:
    """What the banner's script needs: the choice, the TCF data, and what to delete on refusal."""
    given = consent.given
    choice = consent.effective()
    tc_string = ""
    if given and consent.record_id is not None:
        tc_string = (
            ConsentRecord.objects.filter(public_id=consent.record_id)
            .values_list("tc_string", flat=True)
            .first()
            or ""
        )
    return {
        "url": reverse("cookies:preferences"),
        "given": given,
        "choice": {
            "categories": sorted(choice.categories),
            "purposes": sorted(choice.purposes),
            "features": sorted(choice.features),
        }
        if given
        else None,
        "gpc": gpc_sent(request),
        "cookies": catalogue.page_trackers(),
        "tcf": tcf.tc_data(
            tc_string=tc_string,
            purposes=choice.purposes,
            features=choice.features,
            vendors=choice.vendors,
        ),
    }


def history_of_browser(consent: Consent) -> list[ConsentRecord]:
    if consent.consent_id is None:
        return []
    return list(
        ConsentRecord.objects.of_browser(consent.consent_id).latest_first()[:HISTORY_LENGTH]
    )


def history_of(person: "User") -> list[ConsentRecord]:
    return list(ConsentRecord.objects.filter(user=person).latest_first()[:HISTORY_LENGTH])


def category_names(*, pupil: bool = False) -> dict[str, Any]:
    return {
        c.code: register.PURPOSE_BY_CODE[c.purpose].name_for(pupil=pupil)
        for c in catalogue.categories()
    }


def privacy_section(viewer: "User", person: "User") -> dict[str, Any]:
    """The privacy centre's block about a person's cookie choices made while signed in."""
    history = history_of(person)
    return {
        "person": person,
        "is_self": viewer.pk == person.pk,
        "current": history[0] if history else None,
        "current_expires": choices.add_months(history[0].at, choices.VALID_MONTHS)
        if history
        else None,
        "history": history,
        "names": category_names(),
        "valid_months": choices.VALID_MONTHS,
    }
