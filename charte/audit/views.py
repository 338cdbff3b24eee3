import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from charte.audit import actions, events, queries
from charte.audit.forms import SearchForm
from charte.audit.models import Entry
from charte.core import csvfile
from charte.core.cards import checks_card_numbers

PAGE_SIZE = 50


@dataclass(frozen=True)
class Who:
    ref: str
    label: str = ""  # an account's login, or what a system actor is


@dataclass(frozen=True)
class Row:
    entry: Entry
    label: str
    actor: Who | None
    subject: Who | None
    data: list[tuple[str, str]]


def _who(ref: str, names: dict[str, str]) -> Who | None:
    if not ref:
        return None
    if ref in names:
        return Who(ref=ref, label=names[ref])
    return Who(ref=ref, label=str(events.SYSTEM_ACTORS.get(ref, "")))


def _rows(entries: list[Entry]) -> list[Row]:
    # People named in an entry's details too ("confiée à : user:..."), by their login.
    mentioned = {
        v for e in entries for v in e.data.values() if isinstance(v, str) and v.startswith("user:")
    }
    names = queries.people_named(
        {e.actor_ref for e in entries} | {e.subject_ref for e in entries} | mentioned
    )
    return [
        Row(
            entry=e,
            label=str(events.label(e.event)),
            actor=_who(e.actor_ref, names),
            subject=_who(e.subject_ref, names),
            data=[(k, names.get(v, v)) for k, v in events.details(e.data)],
        )
        for e in entries
    ]


@checks_card_numbers
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search the journal (IT and the DPO only); every search is journalled."""
    viewer = queries.access_journal(request.user)
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "health": queries.journal_health(),
        "known_events": queries.known_events(),
        "week_ago": (timezone.localdate() - timedelta(days=7)).isoformat(),
    }
    if form.is_bound and form.is_valid():
        search = form.search()
        paginator = Paginator(queries.search_entries(search), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        actions.journal_search(
            viewer=viewer, search=search, results=paginator.count, page=page.number
        )
        context.update(page=page, rows=_rows(list(page.object_list)), searched=True)
    return render(request, "audit/search.html", context)


CSV_COLUMNS = ["seq", "at", "event", "actor", "subject", "data", "ip", "user_agent"]


def _csv_rows(entries: Iterator[Entry]) -> Iterator[Sequence[object]]:
    yield CSV_COLUMNS
    for e in entries:
        yield [
            e.number,
            e.at.isoformat(),
            e.event,
            e.actor_ref,
            e.subject_ref,
            json.dumps(e.data, ensure_ascii=False, sort_keys=True),
            e.ip or "",
            e.user_agent,
        ]


@checks_card_numbers
@require_GET
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The same search as CSV, people named by their reference only; journalled too."""
    viewer = queries.access_journal(request.user)
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "audit/search.html",
            {
                "form": form,
                "health": queries.journal_health(),
                "known_events": queries.known_events(),
            },
            status=400,
        )
    search = form.search()
    entries = queries.search_entries(search)
    actions.journal_search(viewer=viewer, search=search, results=entries.count())
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return csvfile.response(
        _csv_rows(entries.iterator(chunk_size=2000)), filename=f"journal-{stamp}.csv"
    )
