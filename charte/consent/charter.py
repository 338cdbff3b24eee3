"""The charter's versions: a snapshot of the register, and what changed since the last one.

Design: a version is the published register (the same document `/charte/` renders) in both
languages, frozen as JSON, with a digest. Publishing compares the new snapshot with the last
one, code by code: purposes, recipients and retention rules added, removed or changed. A change
is material when it widens what is done with people's data (a new purpose, a new recipient of a
purpose, a longer retention): the purposes it touches are asked again at each person's next
sign-in. Anything else (wording, a shorter retention, a removal) only informs.
"""

import hashlib
import json
from typing import Any

from django.utils import translation

from charte.privacy.queries import published_register

LANGUAGES = ("fr", "en")


def snapshot() -> dict[str, Any]:
    """The register as published now, in every language of the site."""
    documents = {}
    for language in LANGUAGES:
        with translation.override(language):
            documents[language] = published_register()
    return documents


def digest(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _days(period: dict[str, int]) -> int:
    return period["years"] * 365 + period["months"] * 31 + period["days"]


def _purposes(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        purpose["code"]: {**purpose, "processing": processing["code"]}
        for processing in doc["processings"]
        for purpose in processing["purposes"]
    }


def _names(snapshots: dict[str, Any], kind: str, code: str) -> dict[str, str]:
    """The name of a purpose, recipient or rule in every language, for the summary."""
    names = {}
    for language, doc in snapshots.items():
        if kind == "purpose":
            item = _purposes(doc).get(code)
        elif kind == "recipient":
            item = next((r for r in doc["recipients"] if r["code"] == code), None)
        else:
            item = next((r for r in doc["retention_rules"] if r["code"] == code), None)
        if item is not None:
            names[language] = item["name"]
    return names


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed from snapshot `old` to `new`, each change with the purposes it touches."""
    if old is None:
        return []
    before, after = old["fr"], new["fr"]
    found: list[dict[str, Any]] = []

    def add(
        kind: str, what: str, code: str, purposes: list[str], material: bool, **extra: Any
    ) -> None:
        source = new if kind != "removed" else old
        found.append(
            {
                "change": kind,
                "what": what,
                "code": code,
                "names": _names(source, what, code) or _names(old, what, code),
                "purposes": sorted(purposes),
                "material": material,
                **extra,
            }
        )

    old_purposes, new_purposes = _purposes(before), _purposes(after)
    for code in new_purposes.keys() - old_purposes.keys():
        add("added", "purpose", code, [code], True)
    for code in old_purposes.keys() - new_purposes.keys():
        add("removed", "purpose", code, [], False)
    for code in new_purposes.keys() & old_purposes.keys():
        was, now = old_purposes[code], new_purposes[code]
        gained = sorted(set(now["recipients"]) - set(was["recipients"]))
        if gained:
            add("recipients_added", "purpose", code, [code], True, recipients=gained)
        elif (was["name"], was["description"], was["recipients"], was["separable"]) != (
            now["name"],
            now["description"],
            now["recipients"],
            now["separable"],
        ):
            add("changed", "purpose", code, [code], False)

    old_recipients = {r["code"]: r for r in before["recipients"]}
    new_recipients = {r["code"]: r for r in after["recipients"]}
    for code in new_recipients.keys() - old_recipients.keys():
        add("added", "recipient", code, new_recipients[code]["purposes"], True)
    for code in old_recipients.keys() - new_recipients.keys():
        add("removed", "recipient", code, [], False)
    for code in new_recipients.keys() & old_recipients.keys():
        was, now = old_recipients[code], new_recipients[code]
        wider = set(now["categories"]) - set(was["categories"]) or set(now["purposes"]) - set(
            was["purposes"]
        )
        outside = now["outside_eea"] and not was["outside_eea"]
        if wider or outside:
            add("widened", "recipient", code, now["purposes"], True)
        elif was != now:
            add("changed", "recipient", code, [], False)

    old_rules = {r["code"]: r for r in before["retention_rules"]}
    new_rules = {r["code"]: r for r in after["retention_rules"]}
    rule_purposes = {
        processing["retention"]["code"]: [p["code"] for p in processing["purposes"]]
        for processing in after["processings"]
    }
    for code in new_rules.keys() - old_rules.keys():
        add("added", "retention", code, [], False)
    for code in old_rules.keys() - new_rules.keys():
        add("removed", "retention", code, [], False)
    for code in new_rules.keys() & old_rules.keys():
        was, now = old_rules[code], new_rules[code]
        if _days(now["period"]) > _days(was["period"]):
            add("longer", "retention", code, rule_purposes.get(code, []), True)
        elif _days(now["period"]) < _days(was["period"]):
            add("shorter", "retention", code, [], False)
        elif was != now:
            add("changed", "retention", code, [], False)
    old_processing_rule = {p["code"]: p["retention"] for p in before["processings"]}
    for processing in after["processings"]:
        was_rule = old_processing_rule.get(processing["code"])
        now_rule = processing["retention"]
        if was_rule is None or was_rule["code"] == now_rule["code"]:
            continue
        longer = _days(now_rule["period"]) > _days(was_rule["period"])
        add(
            "longer" if longer else "changed",
            "retention",
            now_rule["code"],
            [p["code"] for p in processing["purposes"]] if longer else [],
            longer,
        )
    if not found and digest(old) != digest(new):
        found.append(
            {
                "change": "reworded",
                "what": "text",
                "code": "",
                "names": {},
                "purposes": [],
                "material": False,
            }
        )
    return found
