"""The tabs of a class's pages, contributed by the apps that have a page about a class.

The class page (here) knows its pupils; the work given (assignments) and the results (results)
add their own tab, so that this app does not import the apps that depend on it.
"""

from dataclasses import dataclass

from charte.core.navigation import Text


@dataclass(frozen=True, kw_only=True)
class ClassTab:
    label: Text
    url_name: str  # takes the class's public id as its one argument
    order: int = 100
    teachers_only: bool = False


_tabs: list[ClassTab] = []


def add_class_tabs(*tabs: ClassTab) -> None:
    _tabs.extend(tabs)


def class_tabs(*, is_teacher: bool) -> list[ClassTab]:
    return sorted((t for t in _tabs if is_teacher or not t.teachers_only), key=lambda t: t.order)
