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

*Concurrency.* The chain has one head, so appends must be serialised: two writers reading the
same head would fork it. Each append takes the journal's lock, then reads the head, then
inserts, and the lock is held until the transaction commits (so the next writer reads a head
that is committed, never one that may still roll back):
- on PostgreSQL, a transaction-scoped advisory lock (`pg_advisory_xact_lock`), released by
  COMMIT or ROLLBACK, taken just before the append so that a transaction holds it only for its
  end (actions write their journal entry last, as they should);
- on SQLite, the write lock itself: our connections begin transactions IMMEDIATE, so a writer
  holds the database's single write lock from BEGIN to COMMIT.
A rolled-back append leaves no trace and no gap: `seq` is counted from the head, not drawn from
a sequence. Time is taken under the lock too, and never before the head's (`at` is monotonic
along `seq`), so a day's entries are one unbroken run of the chain whatever the clocks of the
web servers say, which is what lets a day be sealed as a whole.

*Cost.* One indexed read of the head and one HMAC per entry, and writers queue on the journal
for the end of their transactions. `bench/journal.py` measures it beside plain inserts.
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
from django.db import connections, router, transaction
from django.utils import timezone

from charte.audit.models import Entry, Seal
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
) -> bytes:
    """The canonical form of what an entry says: the bytes its hash signs."""
    return json.dumps(
        [seq, utc_iso(at), event, actor_ref, subject_ref, normalise_data(data), ip, user_agent],
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
) -> str:
    message = json.dumps(
        [
            day.isoformat(),
            first_seq,
            last_seq,
            count,
            root,
            last_entry_hash,
            prev_hash,
            key_id,
            utc_iso(sealed_at),
        ],
        separators=(",", ":"),
    ).encode()
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


def lock(using: str) -> None:
    """Take the journal's lock until the end of the current transaction."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("The journal's lock is taken inside a transaction only.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    elif connection.vendor != "sqlite":  # SQLite: BEGIN IMMEDIATE already holds the write lock
        raise NotImplementedError(f"The journal does not know how to lock on {connection.vendor}.")


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    hash: str
    at: datetime | None


def head(using: str) -> Head:
    """The end of the chain: its last entry, or the last seal once every entry was pruned.

    One indexed row, read in plain SQL: it is read at every append, and the ORM would spend
    more time building this query than the database spends answering it.
    """
    connection = connections[using]
    table = connection.ops.quote_name(Entry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash, at FROM {table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
        last = cursor.fetchone()
    if last is not None:
        seq, digest, at = last
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        if at.tzinfo is None:  # SQLite hands back naive times, in UTC
            at = at.replace(tzinfo=UTC)
        return Head(seq, digest, at)
    seal = Seal.objects.using(using).order_by("-day").first()
    if seal is not None:
        return Head(seal.last_seq, seal.last_entry_hash, day_bounds(seal.day)[1])
    return Head(0, GENESIS, None)


def append(
    *,
    event: str,
    actor_ref: str,
    subject_ref: str,
    data: Mapping[str, Any],
    ip: str | None,
    user_agent: str,
) -> Entry:
    """Append one entry at the head of the chain, inside the caller's transaction if any."""
    using = router.db_for_write(Entry)
    payload = normalise_data(dict(data))
    ip = normalise_ip(ip)
    user_agent = normalise_text(user_agent, 200)
    # No savepoint inside an action's transaction: an append that fails fails the action.
    with transaction.atomic(using=using, savepoint=False):
        lock(using)
        last = head(using)
        now = timezone.now()
        at = now if last.at is None or now > last.at else last.at
        seq = last.seq + 1
        content = entry_bytes(seq, at, event, actor_ref, subject_ref, payload, ip, user_agent)
        entry = Entry(
            seq=seq,
            at=at,
            event=event,
            actor_ref=actor_ref,
            subject_ref=subject_ref,
            data=payload,
            ip=ip,
            user_agent=user_agent,
            prev_hash=last.hash,
            hash=entry_hash(last.hash, content),
        )
        entry.save(using=using)
    return entry


ENTRY_FIELDS = (
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
    seq, at, event, actor_ref, subject_ref, data, ip, user_agent, *_ = row
    return entry_bytes(seq, at, event, actor_ref, subject_ref, data, ip, user_agent)
