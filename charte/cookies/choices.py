"""A choice about cookies, how a form or button makes one, and how the browser keeps it.

Design: the browser keeps its current choice in one signed cookie (`charte_consent`): the random
id that links its records, the record it comes from, the time, the fingerprint of what was
asked, and the accepted categories, IAB purposes, special features and vendors. Reading it costs
no query; the signature stops a page script from forging a wider consent than the person gave.
A choice older than six months, or made about a different set of categories, is no choice:
the banner asks again. The records in the database are the proof; the cookie is only a cache.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.utils import timezone

from charte.cookies import catalogue
from charte.cookies.categories import CookieCategory

SALT = "charte.cookies.consent"
VALID_MONTHS = 6


@dataclass(frozen=True)
class Choice:
    categories: frozenset[str] = frozenset()
    purposes: frozenset[int] = frozenset()
    features: frozenset[int] = frozenset()
    vendors: frozenset[int] = frozenset()

    def allows(self, category: str) -> bool:
        found = catalogue.category(category)
        return found is not None and (found.exempt or category in self.categories)

    def with_category(self, code: str, *, vendors: Mapping[int, str]) -> "Choice":
        found = catalogue.category(code)
        if found is None or found.exempt:
            return self
        return build(
            [*(c for c in catalogue.consent_categories() if c.code in self.categories), found],
            purposes=self.purposes | set(found.iab_purposes),
            features=self.features | set(found.iab_special_features),
            vendors=vendors,
        )


def build(
    chosen: Iterable[CookieCategory],
    *,
    purposes: Iterable[int] | None = None,
    features: Iterable[int] | None = None,
    vendors: Mapping[int, str],
) -> Choice:
    """A coherent choice: IAB items only under accepted categories, vendors of accepted ones.

    A category with IAB purposes is accepted when one of them is; when a category is accepted
    and none of its items named, all of them are (the category switch stands for them all).
    """
    codes: set[str] = set()
    all_purposes: set[int] = set()
    all_features: set[int] = set()
    explicit = purposes is not None or features is not None
    wanted_p = set(purposes or ()) if explicit else None
    wanted_f = set(features or ()) if explicit else None
    chosen_codes = {c.code for c in chosen}
    for c in catalogue.consent_categories():
        items_p = set(c.iab_purposes)
        items_f = set(c.iab_special_features)
        picked = c.code in chosen_codes
        named_p = items_p & wanted_p if wanted_p is not None else (items_p if picked else set())
        named_f = items_f & wanted_f if wanted_f is not None else (items_f if picked else set())
        if c.code in chosen_codes and not (named_p or named_f):
            named_p, named_f = items_p, items_f
        if c.code in chosen_codes or named_p or named_f:
            codes.add(c.code)
            all_purposes |= named_p
            all_features |= named_f
    return Choice(
        categories=frozenset(codes),
        purposes=frozenset(all_purposes),
        features=frozenset(all_features),
        vendors=frozenset(v for v, code in vendors.items() if code in codes),
    )


def accept_all(*, gpc: bool, vendors: Mapping[int, str]) -> Choice:
    """Everything, except what Global Privacy Control refuses when the browser sends it."""
    return build(
        [c for c in catalogue.consent_categories() if not (gpc and c.refused_under_gpc)],
        vendors=vendors,
    )


def refuse_all() -> Choice:
    return Choice()


def from_form(
    *,
    categories: Iterable[str],
    purposes: Iterable[str],
    features: Iterable[str],
    vendors: Mapping[int, str],
) -> Choice:
    known = {c.code: c for c in catalogue.consent_categories()}
    return build(
        [known[code] for code in categories if code in known],
        purposes=_ints(purposes),
        features=_ints(features),
        vendors=vendors,
    )


def _ints(values: Iterable[str]) -> set[int]:
    return {int(v) for v in values if str(v).isdigit()}


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)  # pragma: no cover


@dataclass(frozen=True)
class Consent:
    """What the browser's consent cookie says, or the absence of a valid choice."""

    consent_id: uuid.UUID | None = None
    record_id: uuid.UUID | None = None
    at: datetime | None = None
    fingerprint: str = ""
    choice: Choice = field(default_factory=Choice)

    @property
    def given(self) -> bool:
        """A choice exists (a refusal too), is under six months old, and is about what we ask."""
        return (
            self.at is not None
            and self.fingerprint == catalogue.fingerprint()
            and timezone.now() < self.expires_at()
        )

    def expires_at(self) -> datetime:
        assert self.at is not None
        return add_months(self.at, VALID_MONTHS)

    def allows(self, category: str) -> bool:
        found = catalogue.category(category)
        if found is not None and found.exempt:
            return True
        return self.given and self.choice.allows(category)

    def effective(self) -> Choice:
        return self.choice if self.given else Choice()


NO_CONSENT = Consent()


def dumps(consent: Consent) -> str:
    assert consent.consent_id
    assert consent.record_id
    assert consent.at
    c = consent.choice
    return signing.dumps(
        {
            "i": consent.consent_id.hex,
            "r": consent.record_id.hex,
            "t": int(consent.at.timestamp()),
            "h": consent.fingerprint,
            "c": sorted(c.categories),
            "p": sorted(c.purposes),
            "f": sorted(c.features),
            "v": sorted(c.vendors),
        },
        salt=SALT,
        compress=True,
    )


def loads(value: str | None) -> Consent:
    """The consent a cookie value carries; no consent when it is missing, forged or malformed."""
    if not value:
        return NO_CONSENT
    try:
        data = signing.loads(value, salt=SALT)
        return Consent(
            consent_id=uuid.UUID(hex=data["i"]),
            record_id=uuid.UUID(hex=data["r"]),
            at=datetime.fromtimestamp(int(data["t"]), tz=UTC),
            fingerprint=str(data["h"]),
            choice=Choice(
                categories=frozenset(str(x) for x in data["c"]),
                purposes=frozenset(int(x) for x in data["p"]),
                features=frozenset(int(x) for x in data["f"]),
                vendors=frozenset(int(x) for x in data["v"]),
            ),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return NO_CONSENT


def max_age(consent: Consent) -> int:
    """Seconds the consent cookie should live: until the choice expires, never longer."""
    return max(0, int((consent.expires_at() - timezone.now()) / timedelta(seconds=1)))
