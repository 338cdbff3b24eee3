"""The journal's chain: how an entry is signed, linked to the one before, and appended.

Design.

*Chain.* Every entry carries its position `seq` (1, 2, 3... without gaps), the `hash` of the
entry before it (`prev_hash`), and its own `hash`: an HMAC-SHA256, under the journal key, of
`prev_hash` and of a canonical form of everything it says (position, time, event, actor,
subject, payload, address, user agent). Changing, removing, inserting or reordering an entry
therefore breaks the chain at that place, and `verify.py` names it.

*Why a key.* A plain hash chain only catches clumsy edits: whoever can write to the table can
recompute every hash after the one they changed. The key lives in the environment
(`JOURNAL_KEY`), never in the database, so a database administrator, a stolen database
password or an SQL injection can neither forge an entry nor re-sign the chain. Whoever holds the
key as well (the application servers) could; against them the seals' hashes, written to the
application log as each day is sealed, are the copy kept outside (see docs/journal.md). The key
is distinct from SECRET_KEY so that rotating the latter leaves the journal verifiable.

*Lanes.* One chain has one head, and every writer would queue on it until its transaction
commits. So the journal is several chains ("lanes", `CHARTE_JOURNAL_LANES`, 16 by default),
each with its own head, position `seq` (1, 2, 3... without gaps) and lock; an append takes the
first free lane, the one its connection used last first, and a transaction holds one lane at
most. The daily seal joins them: it records every lane's run of the day (positions, last hash,
Merkle root), signed together and chained to the seal before. A lane's entries are signed with
their lane (lane 0's exactly as when the journal had one chain, so an older journal verifies
unchanged). Order across lanes is the time and the insertion's id: no global position, which
would need one lock again.

*Concurrency.* Two writers reading the same lane's head would fork it. Each append takes its
lane's lock, then reads the lane's head, then inserts, and the lock is held until the
transaction commits (so the next writer of the lane reads a head that is committed):
- on PostgreSQL, a transaction-scoped advisory lock (`pg_advisory_xact_lock` of LOCK_KEY +
  lane), tried lane after lane by `charte_journal_claim` (migration 0004), which then reads the
  lane's head, in one round trip. When every lane is busy it waits for its connection's lane;
  a waiter holds no lane, so no two waiters wait on each other;
- on SQLite, the write lock itself (our connections begin transactions IMMEDIATE): there is
  one writer at a time anyway, so everything goes to lane 0 (or the connection's lane, which
  tests set to write several lanes).
A rolled-back append leaves no trace and no gap: `seq` is counted from the head, not drawn from
a sequence. Time is taken under the lock too, never before the lane's head nor inside a day
already sealed (`at` is monotonic along a lane), so a day's entries are one unbroken run of
each lane whatever the clocks of the web servers say, which is what lets a day be sealed as a
whole. Sealing takes every lane's lock.

*Cost.* One round trip to claim a lane and read its head, one HMAC per entry; writers wait
only for a writer of the same lane, and there are more lanes than writers. Many entries at
once (a page's reads of many people) are one batch (`append_many`): one claim, the entries
signed in a row, one multi-row insert.
`bench/journal.py` measures it beside plain inserts, with 1, 4 and 8 writers.
"""

import functools
import hashlib
import ipaddress
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone

from charte.audit.models import Entry, Seal
from charte.core.statements import NewRow
from charte.core.text import storable

GENESIS = "0" * 64
BLOCK = 64  # SHA-256's block size, in bytes
# An arbitrary 64-bit number naming the journal's advisory lock ("journal" in ASCII).
LOCK_KEY = 0x6A6F75726E616C


def key() -> bytes:
    return settings.CHARTE_JOURNAL_KEY.encode()


def key_id() -> str:
    """A short, public fingerprint of the journal key, stored on each seal."""
    return hashlib.sha256(b"charte-journal-key-id\x00" + key()).hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _pads(secret: bytes) -> tuple["hashlib._Hash", "hashlib._Hash"]:
    """HMAC's inner and outer SHA-256 states for a key, computed once (RFC 2104)."""
    if len(secret) > BLOCK:
        secret = hashlib.sha256(secret).digest()
    secret = secret.ljust(BLOCK, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in secret))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in secret))
    return inner, outer


def _mac(domain: bytes, message: bytes) -> str:
    """HMAC-SHA256 of `domain`, NUL, `message`: `hmac.digest`'s result, without rehashing the
    key at every entry (twice as fast on the journal's short messages)."""
    inner_state, outer_state = _pads(key())
    inner = inner_state.copy()
    inner.update(domain + b"\x00" + message)
    outer = outer_state.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


# Canonical forms ---------------------------------------------------------------------------


def normalise_data(data: Any) -> Any:
    """The payload as the database will give it back: plain JSON, integral numbers as integers.

    PostgreSQL's jsonb reads `1e20` back as an integer: normalising before storing makes what is
    signed exactly what is read.
    """
    if isinstance(data, float):
        if not math.isfinite(data):
            raise ValueError("A journal payload holds finite numbers only.")
        return int(data) if data.is_integer() else data
    if isinstance(data, Mapping):
        return {storable(str(k)): normalise_data(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [normalise_data(v) for v in data]
    if isinstance(data, str):
        return storable(data)  # no NUL nor lone surrogate: what is signed is what is stored
    if data is None or isinstance(data, bool | int):
        return data
    raise TypeError(f"A journal payload holds ids, codes and counts, not {type(data).__name__}.")


def normalise_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None


def normalise_text(text: str, length: int) -> str:
    return storable(text)[:length]


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def entry_bytes(
    seq: int,
    at: datetime,
    event: str,
    actor_ref: str,
    subject_ref: str,
    data: Any,
    ip: str | None,
    user_agent: str,
    *,
    lane: int = 0,
) -> bytes:
    """The canonical form of what an entry says: the bytes its hash signs.

    The lane is signed too, except lane 0's, which are signed as when there was one chain."""
    said = [seq, utc_iso(at), event, actor_ref, subject_ref, normalise_data(data), ip, user_agent]
    if lane:
        said.append(lane)
    return json.dumps(
        said,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def entry_hash(prev_hash: str, content: bytes) -> str:
    return _mac(b"entry", bytes.fromhex(prev_hash) + content)


# Seals --------------------------------------------------------------------------------------


def merkle_root(hashes: Sequence[str]) -> str:
    """The Merkle root of a day's entry hashes (leaves and nodes tagged apart, as RFC 6962 does).

    An odd node is carried up unpaired rather than doubled, so no two lists share a root.
    """
    if not hashes:
        return hashlib.sha256(b"").hexdigest()
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in hashes]
    while len(level) > 1:
        paired = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def seal_hash(
    *,
    day: date,
    first_seq: int,
    last_seq: int,
    count: int,
    root: str,
    last_entry_hash: str,
    prev_hash: str,
    key_id: str,
    sealed_at: datetime,
    lanes: Mapping[str, Any] | None = None,
) -> str:
    said: list[Any] = [
        day.isoformat(),
        first_seq,
        last_seq,
        count,
        root,
        last_entry_hash,
        prev_hash,
        key_id,
        utc_iso(sealed_at),
    ]
    if lanes:  # the other lanes' runs; a seal of lane 0 alone is signed as before lanes
        said.append({str(k): list(v) for k, v in sorted(lanes.items(), key=lambda i: int(i[0]))})
    message = json.dumps(said, separators=(",", ":"), sort_keys=True).encode()
    return _mac(b"seal", message)


def seal_mac(seal: Seal) -> str:
    return seal_hash(
        day=seal.day,
        first_seq=seal.first_seq,
        last_seq=seal.last_seq,
        count=seal.count,
        root=seal.root,
        last_entry_hash=seal.last_entry_hash,
        prev_hash=seal.prev_hash,
        key_id=seal.key_id,
        sealed_at=seal.sealed_at,
        lanes=seal.lanes,
    )


def pruning_mac(*, seal_hash: str, as_of: date, pruned_at: datetime) -> str:
    message = json.dumps([seal_hash, as_of.isoformat(), utc_iso(pruned_at)]).encode()
    return _mac(b"prune", message)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


# Appending ----------------------------------------------------------------------------------


def lanes() -> int:
    return int(getattr(settings, "CHARTE_JOURNAL_LANES", 16))


def lock_all(using: str) -> None:
    """Take every lane's lock until the end of the current transaction (sealing does)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("The journal's locks are taken inside a transaction only.")
    if connection.vendor == "postgresql":
        count = max(lanes(), _highest_lane(using) + 1)
        with connection.cursor() as cursor:
            # In increasing order, as one statement: a writer waiting for a lane holds none.
            cursor.execute(
                "SELECT count(pg_advisory_xact_lock(%s + k)) FROM generate_series(0, %s) k",
                [LOCK_KEY, count - 1],
            )
    elif connection.vendor != "sqlite":  # SQLite: BEGIN IMMEDIATE already holds the write lock
        raise NotImplementedError(f"The journal does not know how to lock on {connection.vendor}.")


def _highest_lane(using: str) -> int:
    highest = 0
    for seal in Seal.objects.using(using).order_by("-day")[:1]:
        highest = max([0, *(int(k) for k in seal.lanes)])
    last = Entry.objects.using(using).order_by("-lane").values_list("lane", flat=True).first()
    return max(highest, last or 0)


@dataclass(frozen=True, slots=True)
class Head:
    lane: int
    seq: int
    hash: str
    at: datetime | None
    sealed: date | None  # the last day sealed: no entry may be dated in it or before


def _aware(at: Any) -> datetime:
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:  # SQLite hands back naive times, in UTC
        at = at.replace(tzinfo=UTC)
    return at


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def claim(using: str) -> Head:
    """Take a lane until the end of the current transaction and read its head.

    In plain SQL: it runs at every append, and the ORM would spend more time building these
    queries than the database spends answering them.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("The journal's lanes are taken inside a transaction only.")
    if connection.vendor == "postgresql":
        hint = getattr(connection, "charte_journal_lane", 0)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT * FROM charte_journal_claim(%s, %s, %s)", [hint, lanes(), LOCK_KEY]
            )
            lane, seq, digest, at, sealed = cursor.fetchone()
        connection.charte_journal_lane = lane  # type: ignore[attr-defined]
    elif connection.vendor == "sqlite":
        # BEGIN IMMEDIATE already holds the write lock: one writer at a time, in its lane.
        lane = getattr(connection, "charte_journal_lane", 0)
        table = connection.ops.quote_name(Entry._meta.db_table)
        seals = connection.ops.quote_name(Seal._meta.db_table)
        last = f"FROM {table} WHERE lane = %s ORDER BY seq DESC LIMIT 1"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT seq {last}), (SELECT hash {last}), (SELECT at {last}), "  # noqa: S608
                f"(SELECT max(day) FROM {seals})",
                [lane, lane, lane],
            )
            seq, digest, at, sealed = cursor.fetchone()
    else:
        raise NotImplementedError(f"The journal does not know how to lock on {connection.vendor}.")
    sealed = _day(sealed)
    if seq is not None:
        return Head(lane, seq, digest, _aware(at), sealed)
    # No entry in this lane: a new lane, or one whose every entry was pruned.
    for seal in Seal.objects.using(using).order_by("-day")[:1]:
        run = seal.runs().get(lane)
        if run is not None:
            return Head(lane, run.last, run.last_hash, day_bounds(seal.day)[1], sealed)
    return Head(lane, 0, GENESIS, None, sealed)


def append(
    *,
    event: str,
    actor_ref: str,
    subject_ref: str,
    data: Mapping[str, Any],
    ip: str | None,
    user_agent: str,
    along: Sequence[models.Model] = (),
) -> Entry:
    """Append one entry at the head of a lane, inside the caller's transaction if any.

    `along`: new rows that go in with the entry, as `save()` would insert them, the entry and
    they all or none. On PostgreSQL, in the statement that appends (one round trip, and out
    of a transaction no BEGIN nor COMMIT: the statement commits by itself); elsewhere, in the
    append's transaction, before the entry."""
    using = router.db_for_write(Entry)
    payload = normalise_data(dict(data))
    ip = normalise_ip(ip)
    user_agent = normalise_text(user_agent, 200)
    said = (event, actor_ref, subject_ref, payload, ip, user_agent)
    rows = [NewRow(obj, using) for obj in along]
    connection = connections[using]
    if connection.vendor == "postgresql":
        entry = _append_in_one_statement(using, *said, along=rows)
        if entry is not None:
            return entry
    # No savepoint inside an action's transaction: an append that fails fails the action.
    with transaction.atomic(using=using, savepoint=False):
        for row in rows:
            row.run()
        last = claim(using)
        at = _time_after(last.at, last.sealed)
        entry = _signed(last.lane, last.seq + 1, last.hash, at, *said)
        entry.save(using=using)
    if connection.vendor == "postgresql":
        connection.charte_journal_head = Head(entry.lane, entry.seq, entry.hash, at, None)  # type: ignore[attr-defined]
    return entry


@dataclass(frozen=True, slots=True)
class Said:
    """What one entry says, before it is signed into a lane."""

    event: str
    actor_ref: str
    subject_ref: str
    data: Mapping[str, Any]
    ip: str | None = None
    user_agent: str = ""


def append_many(said: Sequence[Said]) -> list[Entry]:
    """Append several entries in a row, in one lane, inside the caller's transaction if any.

    What a page showing many people's data journals (one read entry per person): the lane is
    claimed once (its lock taken and its head read in one round trip), each entry is signed
    from the one before it, and all go in with one multi-row INSERT. The lane's lock is held
    until the transaction ends, as for a single append, so the run is unbroken in its lane:
    the chain, the seals and `journal verify` see the same entries as if appended one by one,
    at one time (taken once, under the lock).
    """
    if not said:
        return []
    if len(said) == 1:
        [one] = said
        return [
            append(
                event=one.event,
                actor_ref=one.actor_ref,
                subject_ref=one.subject_ref,
                data=one.data,
                ip=one.ip,
                user_agent=one.user_agent,
            )
        ]
    using = router.db_for_write(Entry)
    rows = [
        (
            s.event,
            s.actor_ref,
            s.subject_ref,
            normalise_data(dict(s.data)),
            normalise_ip(s.ip),
            normalise_text(s.user_agent, 200),
        )
        for s in said
    ]
    with transaction.atomic(using=using, savepoint=False):
        head = claim(using)
        at = _time_after(head.at, head.sealed)
        entries = []
        seq, prev_hash = head.seq, head.hash
        for row in rows:
            seq += 1
            entry = _signed(head.lane, seq, prev_hash, at, *row)
            prev_hash = entry.hash
            entries.append(entry)
        Entry.objects.using(using)._insert_signed(entries)
    connection = connections[using]
    if connection.vendor == "postgresql":
        # The next single append signs from here, in one statement.
        connection.charte_journal_head = Head(head.lane, seq, prev_hash, at, None)  # type: ignore[attr-defined]
    return entries


def _time_after(head_at: datetime | None, sealed: date | None) -> datetime:
    """Now, but never before the lane's head nor inside a sealed day."""
    at = timezone.now()
    if head_at is not None and at < head_at:
        at = head_at
    if sealed is not None:
        at = max(at, day_bounds(sealed)[1])
    return at


def _signed(
    lane: int,
    seq: int,
    prev_hash: str,
    at: datetime,
    event: str,
    actor_ref: str,
    subject_ref: str,
    payload: Any,
    ip: str | None,
    user_agent: str,
) -> Entry:
    content = entry_bytes(
        seq, at, event, actor_ref, subject_ref, payload, ip, user_agent, lane=lane
    )
    return Entry(
        lane=lane,
        seq=seq,
        at=at,
        event=event,
        actor_ref=actor_ref,
        subject_ref=subject_ref,
        data=payload,
        ip=ip,
        user_agent=user_agent,
        prev_hash=prev_hash,
        hash=entry_hash(prev_hash, content),
    )


APPEND_SQL = (
    "SELECT * FROM charte_journal_append(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, "
    "%s::inet, %s, %s)"
)


def _append_sql(along: Sequence[NewRow]) -> str:
    """The append, and each row of `along` inserted by the same statement if the entry is (the
    function answers the entry's id, or NULL when the head was not the one expected); the
    function's answer, then each row's returned columns. Made once for each kind of `along`."""
    if not along:
        return APPEND_SQL
    shapes = tuple(row.shape for row in along)
    if shapes in _append_sqls:
        return _append_sqls[shapes]
    inserts = "".join(
        f", along_{n} AS ({row.select_sql('appended', 'appended.id IS NOT NULL')})"
        for n, row in enumerate(along)
    )
    returned = "".join(
        f", {column}" for n, row in enumerate(along) for column in row.returned_sql(f"along_{n}")
    )
    sql = f"WITH appended AS ({APPEND_SQL}){inserts} SELECT appended.*{returned} FROM appended"  # noqa: S608
    _append_sqls[shapes] = sql
    return sql


_append_sqls: dict[tuple[Any, ...], str] = {}


def _append_in_one_statement(
    using: str,
    event: str,
    actor_ref: str,
    subject_ref: str,
    payload: Any,
    ip: str | None,
    user_agent: str,
    along: Sequence[NewRow] = (),
) -> Entry | None:
    """PostgreSQL: sign from the head this connection expects, and let one statement take the
    lane, check the head and insert (migration 0005), `along`'s rows with the entry. None when
    the lane is new to this connection: the caller then appends the general way."""
    connection = connections[using]
    expected: Head | None = getattr(connection, "charte_journal_head", None)
    sealed: date | None = None
    body = json.dumps(payload)
    for _attempt in range(3):
        if expected is None:
            return None
        at = _time_after(expected.at, sealed)
        entry = _signed(
            expected.lane,
            expected.seq + 1,
            expected.hash,
            at,
            event,
            actor_ref,
            subject_ref,
            payload,
            ip,
            user_agent,
        )
        extra = [param for row in along for param in row.params]
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(
                _append_sql(along),
                [
                    expected.lane,
                    lanes(),
                    LOCK_KEY,
                    expected.seq,
                    expected.hash,
                    at,
                    event,
                    actor_ref,
                    subject_ref,
                    body,
                    ip,
                    user_agent,
                    entry.hash,
                    *extra,
                ],
            )
            inserted, lane, seq, digest, head_at, sealed, *returned = cursor.fetchone()
        if inserted is not None:
            for row in along:
                row.inserted(returned[: len(row.returning)])
                returned = returned[len(row.returning) :]
            entry.pk = inserted
            entry._state.adding = False
            entry._state.db = using
            connection.charte_journal_head = Head(lane, seq, digest, at, None)  # type: ignore[attr-defined]
            return entry
        # Another head than expected (another writer, a rolled-back append, another lane).
        connection.charte_journal_lane = lane  # type: ignore[attr-defined]
        expected = Head(lane, seq, digest, head_at, None) if seq is not None else None
        connection.charte_journal_head = expected  # type: ignore[attr-defined]
    return None


ENTRY_FIELDS = (
    "lane",
    "seq",
    "at",
    "event",
    "actor_ref",
    "subject_ref",
    "data",
    "ip",
    "user_agent",
    "prev_hash",
    "hash",
)


def row_content(row: Iterable[Any]) -> bytes:
    """The canonical bytes of a row read as `values_list(*ENTRY_FIELDS)`."""
    lane, seq, at, event, actor_ref, subject_ref, data, ip, user_agent, *_ = row
    return entry_bytes(seq, at, event, actor_ref, subject_ref, data, ip, user_agent, lane=lane)
