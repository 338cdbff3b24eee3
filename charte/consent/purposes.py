"""Which purposes rest on a person's consent, and the words that ask for it.

Read from the register at call time (never copied at import), so that a new purpose in the
register is asked about at once, and its published version says so.
"""

from django.conf import settings
from django.utils import translation

from charte.accounts.models import Role, User
from charte.privacy import register
from charte.privacy.register import LegalBasis, Purpose

# Processings whose legal basis is consent and whose purposes people choose on our screens.
# Cookies rest on consent too, but their choices are made in the cookie banner.
ASKED_PROCESSINGS = ("platform", "marketing")
# Children are never offered marketing: they are contacted only through their parents (D4).
ADULT_ONLY_PROCESSINGS = frozenset({"marketing"})
# Asked of parents alone: what a guardian chooses to receive about their children (the weekly
# progress email). It rests on the consent of the guardian who receives it; for the child it
# is about, `processing.allowed` still answers (a restriction or an objection stops it).
PARENT_ONLY_PURPOSES = frozenset({"family_progress"})


def purpose(code: str) -> Purpose | None:
    return next((p for p in register.PURPOSES if p.code == code), None)


def consent_based(processing_code: str) -> bool:
    processing = next((p for p in register.PROCESSINGS if p.code == processing_code), None)
    return processing is not None and processing.legal_basis == LegalBasis.CONSENT


def purposes_for(person: User) -> list[Purpose]:
    """The purposes `person` (or their guardian) consents to, required ones first."""
    if not person.is_platform_user:
        return []
    found = [
        p
        for p in register.PURPOSES
        if p.processing in ASKED_PROCESSINGS
        and consent_based(p.processing)
        and not (person.role == Role.PUPIL and p.processing in ADULT_ONLY_PROCESSINGS)
        and not (person.role != Role.PARENT and p.code in PARENT_ONLY_PURPOSES)
    ]
    return sorted(found, key=lambda p: p.separable)


def purposes_for_role(role: str) -> list[Purpose]:
    return purposes_for(User(role=role))


# Each text as last made, with the register's purposes and recipients it was made from: made
# again whenever either is another (a test's register, or the next release's).
_bodies: dict[tuple[str, str], tuple[object, object, str]] = {}


def text_body(purpose_code: str, language: str | None = None) -> str:
    """The words shown beside the checkbox of `purpose_code`, in `language` (made once per
    process for the register it reads, since every consent given checks them)."""
    language = language or settings.LANGUAGE_CODE
    kept = _bodies.get((purpose_code, language))
    if kept is not None and kept[0] is register.PURPOSES and kept[1] is register.RECIPIENTS:
        return kept[2]
    body = _text_body(purpose_code, language)
    if language in dict(settings.LANGUAGES):  # never more entries than purposes x languages
        _bodies[purpose_code, language] = (register.PURPOSES, register.RECIPIENTS, body)
    return body


def _text_body(purpose_code: str, language: str) -> str:
    found = purpose(purpose_code)
    if found is None:
        return ""
    with translation.override(language):
        recipients = [
            str(r.name)
            for r in register.RECIPIENTS
            if r.code in {x.code for x in register.recipients_of(found.code)}
        ]
        lines = [str(found.name), str(found.description)]
        if recipients:
            lines.append(str(translation.gettext("Destinataires : ")) + ", ".join(recipients))
    return "\n".join(lines)
