"""Answers kept in Django's cache (Redis in production, shared by every process), each under a
version token that every change to what it depends on replaces once that change commits.

Design: each cached answer is kept with the version token it was read under, and the token
under a key of its own. A write replaces the token once its transaction commits, so every
process reads the database again at once. A reader takes the token and the answer in one round
trip, before it reads the database, so that an answer read before a write is stored under the
old token and never served again. Tokens are random, not counters, so that an evicted token
cannot come back. Several answers are read in the same round trip (`read_through`; or
`keys_of`, then `read_through(..., found=...)`, around a read that does more, such as the
consent API's, which counts the request against its rate in the same round trip). The
writing transaction itself reads the database and caches nothing (`changed`): what it sees may
still roll back.

What is cached this way: each person's account state and latest consents, under the person's
token (`accounts.models.person_token`, replaced by every change to the account and every
consent write: `consent.queries.consent_state`), the charter's material changes
(`consent.queries.material_changes`) and the consent API's service keys
(`consent.queries.service_for_key`).
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

TTL = 300  # seconds an answer stays; its token lives longer
TOKEN_TTL = TTL * 12


@dataclass(frozen=True, slots=True)
class Cached:
    """One answer: where its token and its value are kept, and how to read it afresh."""

    token_key: str
    value_key: str
    load: Callable[[], Any]
    ttl: int = TTL
    keep_none: bool = True  # False: an answer of None is read again each time


def read_through(*answers: Cached, found: dict[str, Any] | None = None) -> list[Any]:
    """Each answer, from the cache when it holds it under its current token; one round trip
    when they all hold, one more for each that does not. `found`: what the caller read of the
    cache already, for `keys_of(*answers)` among others (then no round trip of its own)."""
    if found is None:
        keys = keys_of(*answers)
        found = cache.get_many(keys) if keys else {}
    return _resolve(answers, found)


def keys_of(*answers: Cached) -> list[str]:
    """The keys to read for `answers` (their tokens and values), for `read_through`'s `found`."""
    writing = _writing()
    return [
        key
        for answer in answers
        if answer.token_key not in writing
        for key in (answer.token_key, answer.value_key)
    ]


def _resolve(answers: tuple[Cached, ...], found: dict[str, Any]) -> list[Any]:
    """Each answer from what was read of the cache (`found`, as `cache.get_many` answers for
    `keys_of(...)`, possibly for more answers than these); the database for the others."""
    writing = _writing()
    values = []
    for answer in answers:
        if answer.token_key in writing:
            values.append(answer.load())
            continue
        token = found.get(answer.token_key)
        held = found.get(answer.value_key)
        if token is not None and held is not None and held[0] == token:
            values.append(held[1])
            continue
        if token is None:
            cache.add(answer.token_key, secrets.token_hex(8), timeout=TOKEN_TTL)
            token = cache.get(answer.token_key)
        value = answer.load()
        if token is not None and (value is not None or answer.keep_none):
            cache.set(answer.value_key, (token, value), timeout=answer.ttl)
        values.append(value)
    return values


def replace_token(*token_keys: str) -> None:
    """What the tokens cover changed (and was committed): no process serves it any more."""
    if len(token_keys) == 1:
        cache.set(token_keys[0], secrets.token_hex(8), timeout=TOKEN_TTL)
    elif token_keys:
        cache.set_many({key: secrets.token_hex(8) for key in token_keys}, timeout=TOKEN_TTL)


def writing(*token_keys: str) -> bool:
    """Does the open transaction change what any of `token_keys` cover? (Then it reads the
    database for them, and keeps nothing it read in the cache.)"""
    return not _writing().isdisjoint(token_keys)


def _writing() -> set[str]:
    """The tokens whose answers this connection's open transaction changed.

    Kept with the transaction's outermost block: a transaction that rolled back runs no
    callback, so its tokens are forgotten when another transaction (or none) is open."""
    connection = connections[DEFAULT_DB_ALIAS]
    outermost = connection.atomic_blocks[0] if connection.atomic_blocks else None
    kept: tuple[object, set[str]] | None = getattr(connection, "charte_cache_writing", None)
    if kept is None or kept[0] is not outermost:
        kept = connection.charte_cache_writing = (outermost, set())  # type: ignore[attr-defined]
    return kept[1]


def changed(*token_keys: str) -> None:
    """The open transaction changes what `token_keys` cover: it reads the database from now
    on, and every process does once it commits (nothing changes if it rolls back). Outside a
    transaction, call it once the change is written: the tokens are replaced at once."""
    if not token_keys:
        return
    _writing().update(token_keys)
    transaction.on_commit(partial(committed, *token_keys))


def committed(*token_keys: str) -> None:
    _writing().difference_update(token_keys)
    replace_token(*token_keys)
