"""A child's contact details never enter what they write (charter D5).

A child under the age of digital consent is reached through their parent; what they write
(a resource, a production, a profile field, a message) is read by their class or a teacher.
So every free text such a child sends is checked for what would let someone reach them
outside the platform: an email address, a phone number (French forms, and international ones
written with + or 00), a postal address (a street with its number) and a social-network
handle (an @name, a profile link, "snap : ben.secret", "mon insta : ben"). A postcode and town
alone ("75011 Paris") is not refused: it names a district, and "20000 Romains" looks the same.
When one is found, the text is not kept: the child is told why, in words for their age,
next to the field, and writes again without it. Adults write freely (a teacher may give the
school's address).

The same hooks as card numbers (`charte.core.cards`), so that no form or schema can forget:
- every form starts from `RefusesCardNumbers`, whose `full_clean` adds `reject_for_children`
  to each free-text field (not to an email field, which asks for an address on purpose);
- every API input schema starts from `charte.core.schemas.InputSchema`, which answers 422
  naming the field (type `contact_details`);
- the `CardNumberGuard` middleware refuses any other submission a child sends with one.
Who writes is known for the length of a request: the guard middleware says it (`writer`),
lazily, so a request that validates no text costs nothing.

The patterns are written for ordinary school text not to trip them: figures, dates, times,
sums, years, page numbers and "3 rues" stay allowed (tests/core/test_identifiers.py).
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EMAIL = "email"
PHONE = "phone"
ADDRESS = "address"
HANDLE = "handle"

# user@domain.tld, and the forms written to dodge a filter: "ben [at] gmail [dot] com".
_AT = r"(?:@|\s*[\[(]\s*(?:at|arobase)\s*[\])]\s*)"
_DOT = r"(?:\.|\s*[\[(]\s*(?:dot|point)\s*[\])]\s*)"
# An address starts where a word starts, and every repetition is bounded by what an address
# may hold (64 characters before the @, labels of 63, a dozen labels): so a long text costs
# time in proportion to its length. Unbounded, the engine tried every start of a long word
# against every end, and 100,000 letters held a worker for minutes.
_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]{{0,63}}\w{_AT}[\w-]{{1,63}}(?:{_DOT}[\w-]{{1,63}}){{0,12}}{_DOT}[a-z]{{2,24}}\b",
    re.IGNORECASE,
)

# A French number: 0 then 9 digits in pairs, the same separator throughout ("06 12 34 56 78",
# "06.12.34.56.78", "0612345678"); or +33 / 0033, maybe with (0). Standing on its own.
_FRENCH = re.compile(
    r"(?<![\w+])(?:0[1-9](?P<s>[ .-]?)\d{2}(?:(?P=s)\d{2}){3}"
    r"|(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?[1-9](?P<t>[ .-]?)\d{2}(?:(?P=t)\d{2}){3})(?![\w])"
)
# Elsewhere: + or 00, a country code, then groups of digits: 8 to 15 digits in all (E.164).
_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){2,6}(?![\w])")

# A street with its number. The words that are also common nouns ("1 place de libre",
# "2 cours de maths") count only before a capitalised name ("12 place de la République").
_STREETS = (
    r"rue|avenue|av\.|boulevard|bd|bld|all[ée]e|impasse|quai|faubourg|fbg|lotissement|"
    r"r[ée]sidence|street|road|lane|strasse|stra[ßs]e|calle"
)
_COMMON = r"place|route|chemin|cours|square|passage|voie|sentier|hameau|cit[ée]|avenida|via"
_NUMBER = r"(?<![\w,.])\d{1,4}(?:\s?(?i:bis|ter|[a-d]))?,?\s+"
_ADDRESS = re.compile(
    rf"{_NUMBER}(?:(?i:{_STREETS})\b\.?\s+[\w'\u2019-]{{2,}}"
    rf"|(?i:{_COMMON})\b\s+(?:(?i:de\s+la|de\s+l['\u2019]|du|des|de|d['\u2019])\s*)?[A-ZÀ-Ý])"
)
# "12 Baker Street": the English order, name before the way.
_ENGLISH = re.compile(
    r"(?<![\w,.])\d{1,4}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Drive)\b"
)
_NETWORKS = (
    r"snap(?:chat)?|insta(?:gram)?|tik\s?tok|discord|twitter|facebook|fb|whats\s?app|"
    r"telegram|twitch|you\s?tube|threads|bluesky|bsky|signal|roblox|fortnite|steam|"
    r"psn|xbox|minecraft|pinterest|reddit|mastodon|linkedin|wechat|kik|pseudo"
)
_SAYS = r"(?:[:=]|c['\u2019]est|est|->|\u2192)"
# What a handle looks like, and a title does not: "@ben", "ben.secret", "ben_75", "lilou2012",
# "ben#1234" ("Minecraft : construire une maison" and "Roblox est génial" stay allowed).
# Bounded like the address above: no network's handle is longer than 32 characters.
_HANDLE_LIKE = (
    r"(?:@[\w.]{2,32}|[\w-]{0,32}[A-Za-z][\w-]{0,32}[._#][\w.#-]{0,32}\w|[A-Za-z_]{1,32}\d{1,32})"
)
# "snap : ben.secret", "discord = ben#1234", "instagram c'est @ben"
_NAMED = re.compile(rf"\b(?:{_NETWORKS})\b\s*{_SAYS}\s*{_HANDLE_LIKE}", re.IGNORECASE)
# "mon snap c'est bensecret", "mon insta : ben": one's own account, whatever the name looks like.
_MINE = re.compile(
    rf"\b(?:mon|my)\s+(?:{_NETWORKS})\b\s*{_SAYS}\s*@?[\w.#-]{{3,32}}", re.IGNORECASE
)
# A profile link: instagram.com/ben, tiktok.com/@ben, discord.gg/abc, t.me/ben, wa.me/336...
_LINK = re.compile(
    r"\b(?:(?:www\.)?(?:instagram|tiktok|snapchat|facebook|fb|twitter|x|youtube|twitch|"
    r"threads|bsky|linkedin|pinterest|reddit)\.(?:com|app|net|tv)|discord\.(?:gg|com)|t\.me|"
    r"wa\.me|m\.me)/\S+",
    re.IGNORECASE,
)
# An @name on its own (an email is caught above): at least 3 characters, a letter among them.
_MENTION = re.compile(r"(?<![\w.@])@(?=[\w.]*[A-Za-z])[\w.]{3,30}")


@dataclass(frozen=True)
class Found:
    kind: str
    start: int
    end: int


def _phones(text: str) -> Iterator[Found]:
    for pattern in (_FRENCH, _INTERNATIONAL):
        for match in pattern.finditer(text):
            digits = sum(c.isdigit() for c in match.group())
            if 8 <= digits <= 15:
                yield Found(PHONE, match.start(), match.end())


def find(text: str) -> list[Found]:
    """Every contact detail in `text`, in order; overlapping findings are all kept."""
    if not text:
        return []
    found: list[Found] = []
    found += [Found(EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]
    found += list(_phones(text))
    for pattern in (_ADDRESS, _ENGLISH):
        found += [Found(ADDRESS, m.start(), m.end()) for m in pattern.finditer(text)]
    for pattern in (_NAMED, _MINE, _LINK):
        found += [Found(HANDLE, m.start(), m.end()) for m in pattern.finditer(text)]
    emails = [f for f in found if f.kind == EMAIL]
    for m in _MENTION.finditer(text):
        if not any(e.start <= m.start() < e.end for e in emails):
            found.append(Found(HANDLE, m.start(), m.end()))
    return sorted(found, key=lambda f: (f.start, f.end))


def kinds_in(text: str) -> set[str]:
    return {f.kind for f in find(text)}


def contains_identifier(value: object) -> bool:
    """Whether a value (a text, or a payload of texts however deep) carries a contact detail."""
    if isinstance(value, str):
        return bool(find(value))
    if isinstance(value, dict):
        return any(contains_identifier(k) or contains_identifier(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(contains_identifier(item) for item in value)
    return False


_WHAT = {
    EMAIL: _("une adresse e-mail"),
    PHONE: _("un numéro de téléphone"),
    ADDRESS: _("une adresse postale"),
    HANDLE: _("un pseudo ou un lien de réseau social"),
}

MESSAGE = _(
    "Ton texte contient {what}. Pour ta sécurité, on ne garde pas ce qui permet de te "
    "contacter en dehors de la plateforme : enlève-le, puis enregistre à nouveau."
)
# The same words, when what was found is not said (the guard, a nested payload).
GENERAL_MESSAGE = _(
    "Ton texte contient une adresse e-mail, un numéro de téléphone, une adresse ou un pseudo "
    "de réseau social. Pour ta sécurité, on ne garde pas ce qui permet de te contacter en "
    "dehors de la plateforme : enlève-le, puis enregistre à nouveau."
)
CODE = "contact_details"


def message_for(value: object) -> str:
    kinds = kinds_in(value) if isinstance(value, str) else set()
    if not kinds:
        return str(GENERAL_MESSAGE)
    order = [EMAIL, PHONE, ADDRESS, HANDLE]
    what = [str(_WHAT[k]) for k in order if k in kinds]
    joined = (
        what[0]
        if len(what) == 1
        else str(_("{first} et {last}")).format(first=", ".join(what[:-1]), last=what[-1])
    )
    return str(MESSAGE).format(what=joined)


# Who is writing, for the length of a request ----------------------------------------------

_writer_is_child: ContextVar[Callable[[], bool] | None] = ContextVar(
    "charte_writer_is_child", default=None
)


@contextmanager
def writer(is_child: Callable[[], bool]) -> Iterator[None]:
    """Within this block, text is written by someone the callable says is (or is not) a child
    under the age of digital consent. Asked once, when a text is first checked."""
    answer: list[bool] = []

    def cached() -> bool:
        if not answer:
            answer.append(bool(is_child()))
        return answer[0]

    token = _writer_is_child.set(cached)
    try:
        yield
    finally:
        _writer_is_child.reset(token)


def writer_is_child() -> bool:
    ask = _writer_is_child.get()
    return ask is not None and ask()


def reject_for_children(value: object) -> None:
    """A validator for every free-text field: a child's text carries no contact detail."""
    if isinstance(value, str) and writer_is_child() and find(value):
        raise ValidationError(message_for(value), code=CODE)


def for_children(field: object) -> bool:
    """The free-text fields this rule guards: all but an email field, which asks for an address
    on purpose (whether a child may be asked one is that form's own rule, D4)."""
    from django import forms

    return not isinstance(field, forms.EmailField)
