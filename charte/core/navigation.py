"""Menu entries, footer links and home-page panels, contributed by each app.

Each app registers its own entries in its `AppConfig.ready()`, so that the shell (header,
footer, home page) lists what exists without knowing the apps; who sees an entry is decided by
the roles it names (and the app's own access checks on the page itself).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from charte.accounts.models import User

type Text = str | Promise
type Viewer = "User | AnonymousUser"


@dataclass(frozen=True, kw_only=True)
class Link:
    label: Text
    url_name: str
    roles: frozenset[str] | None = None  # None: every signed-in user
    anonymous: bool = False  # shown to visitors who are not signed in
    order: int = 100

    def visible_to(self, viewer: "Viewer") -> bool:
        if not viewer.is_authenticated:
            return self.anonymous
        return self.roles is None or getattr(viewer, "role", None) in self.roles


@dataclass(frozen=True, kw_only=True)
class Panel:
    """A block of a role's home page: a template and the function that fills it."""

    template: str
    roles: frozenset[str]
    context: Callable[["User"], dict[str, Any]]
    order: int = 100


@dataclass(frozen=True, kw_only=True)
class PrivacySection:
    """A block of the privacy centre ("Mes données"), about one person.

    `context(viewer, person)` fills the template; `person` is the viewer or, for a guardian, one
    of their children; the centre has already checked that the viewer may see that person.
    Return None to leave the section out for this person.
    """

    template: str
    context: Callable[["User", "User"], dict[str, Any] | None]
    order: int = 100


_menu: list[Link] = []
_footer: list[Link] = []
_panels: list[Panel] = []
_privacy_sections: list[PrivacySection] = []
# What the visitor's welcome page says that other apps know (the prices, from payments).
_welcome: list[Callable[[], dict[str, Any]]] = []


def add_menu(*links: Link) -> None:
    _menu.extend(links)


def add_footer(*links: Link) -> None:
    _footer.extend(links)


def add_panels(*panels: Panel) -> None:
    _panels.extend(panels)


def add_privacy_sections(*sections: PrivacySection) -> None:
    _privacy_sections.extend(sections)


def add_welcome(context: Callable[[], dict[str, Any]]) -> None:
    _welcome.append(context)


def welcome_context() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for context in _welcome:
        merged.update(context())
    return merged


def privacy_sections() -> list[PrivacySection]:
    return sorted(_privacy_sections, key=lambda s: s.order)


def _visible(links: Iterable[Link], viewer: "Viewer") -> list[Link]:
    return sorted((link for link in links if link.visible_to(viewer)), key=lambda link: link.order)


def menu_for(viewer: "Viewer") -> list[Link]:
    return _visible(_menu, viewer)


def footer_for(viewer: "Viewer") -> list[Link]:
    return [
        link
        for link in sorted(_footer, key=lambda link: link.order)
        if link.anonymous or link.visible_to(viewer)
    ]


def panels_for(user: "User") -> list[Panel]:
    return sorted((p for p in _panels if user.role in p.roles), key=lambda p: p.order)
