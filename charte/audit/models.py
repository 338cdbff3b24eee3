"""The journal's two tables: its entries, and the seals that close each day of entries.

Both are written once. Entries are only ever inserted (by `charte.audit.chain.append`) and
removed whole days at a time by the journal's own retention; seals are only ever inserted, and
later stamped "pruned" once, when their day's entries go. The ORM refuses anything else here; on
PostgreSQL a trigger refuses it in the database too (see migration 0003 and `chain.py`).
"""

from dataclasses import dataclass
from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """The journal is written once: entries are never updated, and only retention removes them."""


class EntryQuerySet(models.QuerySet["Entry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Journal entries cannot be updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Journal entries are removed only by the journal's retention.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Journal entries are appended through audit.record only.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Journal entries cannot be updated.")

    def about(self, ref: str) -> "EntryQuerySet":
        """Entries where `ref` ("user:<uuid>") is the actor or the subject."""
        return self.filter(models.Q(actor_ref=ref) | models.Q(subject_ref=ref))

    def _insert_signed(self, entries: list["Entry"]) -> list["Entry"]:
        """Only `charte.audit.chain.append_many` calls this, with entries it signed in a row
        under their lane's lock: one multi-row INSERT (split only past the database's limit
        on parameters, a few thousand entries)."""
        if any(entry.pk is not None or not entry.hash for entry in entries):
            raise AppendOnlyError("Journal entries are appended through audit.record only.")
        return models.QuerySet.bulk_create(self, entries)

    def _remove_for_retention(self) -> int:
        """Only `charte.audit.actions.prune_journal` calls this, for days past their year."""
        count, _ = models.QuerySet.delete(self)
        return count


def entry_number(lane: int, seq: int) -> int | str:
    """How an entry is named: its position, prefixed by its lane outside lane 0 ("3/17")."""
    return f"{lane}/{seq}" if lane else seq


class Entry(models.Model):
    # The journal is several chains ("lanes") written side by side, joined by the daily seal
    # (see chain.py). Position in its lane: 1, 2, 3... without gaps, given under the lane's lock.
    lane = models.PositiveSmallIntegerField(_("file"), default=0, db_default=0, editable=False)
    seq = models.BigIntegerField(_("numéro"), editable=False)
    at = models.DateTimeField(_("date et heure"), default=timezone.now, db_index=True)
    event = models.CharField(_("événement"), max_length=64, db_index=True)
    actor_ref = models.CharField(_("auteur"), max_length=64, db_index=True)
    subject_ref = models.CharField(
        _("personne concernée"), max_length=64, blank=True, db_index=True
    )
    data = models.JSONField(_("données"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=200, blank=True)
    prev_hash = models.CharField(_("empreinte de l'entrée précédente"), max_length=64)
    hash = models.CharField(_("empreinte"), max_length=64)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("entrées du journal")
        # Written order across lanes: the insertion's id (each lane keeps its own `seq`).
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["lane", "seq"], name="audit_entry_lane_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.at:%Y-%m-%d %H:%M:%S} {self.event} by {self.actor_ref}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("Journal entries cannot be updated.")
        if not self.hash:
            raise AppendOnlyError("Journal entries are appended through audit.record only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Journal entries are removed only by the journal's retention.")

    @property
    def number(self) -> int | str:
        return entry_number(self.lane, self.seq)


@dataclass(frozen=True, slots=True)
class Run:
    """One lane's entries on a sealed day: positions `first`..`last` (none when last < first),
    the hash of its last entry (the lane's head at the end of the day) and their Merkle root."""

    first: int
    last: int
    last_hash: str
    root: str

    @property
    def count(self) -> int:
        return self.last - self.first + 1


class SealQuerySet(models.QuerySet["Seal"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Seals cannot be updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Seals are never removed: they outlive the days they close.")

    def _stamp_pruned(self, **fields: Any) -> int:
        """Only `charte.audit.actions.prune_journal` calls this, once per seal."""
        return models.QuerySet.update(self, **fields)


class Seal(models.Model):
    """The closing of one day (UTC) of entries: what it holds, and its place in the seals' chain.

    `root` is the Merkle root of the day's entry hashes; `last_entry_hash` is the chain's head
    at the end of the day, from which the next day's first entry continues even once this day's
    entries are gone; `prev_hash` is the previous seal's `hash`; `hash` signs all of it with the
    journal key. `pruned_*` are set once, when retention removes the day's entries, and signed
    apart (`pruned_mac`), since they come a year later.
    """

    day = models.DateField(_("jour"), unique=True)
    first_seq = models.BigIntegerField(_("première entrée"))
    last_seq = models.BigIntegerField(_("dernière entrée"))
    count = models.PositiveIntegerField(_("nombre d'entrées"))
    root = models.CharField(_("racine"), max_length=64)
    last_entry_hash = models.CharField(_("empreinte de la dernière entrée"), max_length=64)
    prev_hash = models.CharField(_("empreinte du sceau précédent"), max_length=64)
    hash = models.CharField(_("empreinte"), max_length=64, unique=True)
    key_id = models.CharField(_("clé"), max_length=16)
    sealed_at = models.DateTimeField(_("scellé le"))
    pruned_at = models.DateTimeField(_("entrées effacées le"), null=True, blank=True)
    pruned_as_of = models.DateField(_("effacées à la date du"), null=True, blank=True)
    pruned_mac = models.CharField(_("signature de l'effacement"), max_length=64, blank=True)
    # The other lanes than lane 0 (whose run is in the columns above): {"<lane>": [first_seq,
    # last_seq, last_entry_hash, root]}, every lane ever written, empty days included.
    lanes = models.JSONField(_("autres files"), default=dict, blank=True)

    objects = SealQuerySet.as_manager()

    class Meta:
        verbose_name = _("sceau du journal")
        verbose_name_plural = _("sceaux du journal")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"seal of {self.day:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("Seals cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Seals are never removed: they outlive the days they close.")

    def runs(self) -> dict[int, "Run"]:
        """Each lane's run of entries on this day, lane 0 first."""
        runs = {0: Run(self.first_seq, self.last_seq, self.last_entry_hash, self.root)}
        for lane, (first, last, last_hash, root) in sorted(
            (int(k), v) for k, v in (self.lanes or {}).items()
        ):
            runs[lane] = Run(int(first), int(last), str(last_hash), str(root))
        return runs

    def entries_through(self) -> models.Q:
        """The entries of every lane up to the end of this seal's day."""
        condition = models.Q(pk__in=[])
        for lane, run in self.runs().items():
            condition |= models.Q(lane=lane, seq__lte=run.last)
        return condition
