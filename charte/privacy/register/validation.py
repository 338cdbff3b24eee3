"""The register checks itself: every code it names exists, and nothing is declared twice.

`validate()` reads the register's facts by default; tests hand it a deliberately broken copy
(`dataclasses.replace(current(), ...)`) so that each rule is shown to catch its mistake.
The cookie categories are checked by the cookies app, which owns them.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from charte.privacy.register import data, recipients
from charte.privacy.register.vocabulary import (
    Processing,
    Purpose,
    Recipient,
    RecipientKind,
    RetentionRule,
    Text,
)

# Our own services act on our data directly; an authority hears of a person's request only
# where the law says so, which no notice of ours decides.
NEVER_TOLD = frozenset({RecipientKind.INTERNAL_SERVICE, RecipientKind.PUBLIC_AUTHORITY})


@dataclass(frozen=True, kw_only=True)
class Facts:
    retention_rules: tuple[RetentionRule, ...]
    data_subjects: Mapping[str, Text]
    processings: tuple[Processing, ...]
    purposes: tuple[Purpose, ...]
    recipients: tuple[Recipient, ...]


def current() -> Facts:
    return Facts(
        retention_rules=data.RETENTION_RULES,
        data_subjects=data.DATA_SUBJECTS,
        processings=data.PROCESSINGS,
        purposes=data.PURPOSES,
        recipients=recipients.RECIPIENTS,
    )


def duplicates(kind: str, codes: list[str]) -> list[str]:
    return [
        f"{kind} {code}: declared twice"
        for code in sorted({c for c in codes if codes.count(c) > 1})
    ]


def validate(facts: Facts | None = None) -> list[str]:
    """Inconsistencies inside the register (dangling codes, duplicates); empty when sound."""
    facts = facts or current()
    rules = {r.code for r in facts.retention_rules}
    processings = {p.code for p in facts.processings}
    purposes = {p.code for p in facts.purposes}
    problems: list[str] = []
    for processing in facts.processings:
        if processing.retention not in rules:
            problems.append(
                f"processing {processing.code}: unknown retention {processing.retention!r}"
            )
        problems.extend(
            f"processing {processing.code}: unknown data subject {code!r}"
            for code in processing.data_subjects
            if code not in facts.data_subjects
        )
    for purpose in facts.purposes:
        if purpose.processing not in processings:
            problems.append(f"purpose {purpose.code}: unknown processing {purpose.processing!r}")
    for recipient in facts.recipients:
        problems.extend(
            f"recipient {recipient.code}: unknown purpose {code!r}"
            for code in recipient.purposes
            if code not in purposes
        )
        if recipient.consent_purpose and recipient.consent_purpose not in purposes:
            problems.append(
                f"recipient {recipient.code}: unknown consent purpose {recipient.consent_purpose!r}"
            )
        if (recipient.notices is None) == (not recipient.not_told):
            problems.append(
                f"recipient {recipient.code}: say how it is told of a person's erasure, "
                "rectification or restriction (notices=), or why it is not (not_told=)"
            )
        if recipient.notices is not None and recipient.kind in NEVER_TOLD:
            problems.append(
                f"recipient {recipient.code}: a {recipient.kind} is never told of a person's request"
            )
        if recipient.notices is not None and not recipient.notices.kinds:
            problems.append(f"recipient {recipient.code}: notices without any kind")
        if recipient.outside_eea and recipient.safeguard is None:
            problems.append(f"recipient {recipient.code}: outside the EU/EEA without a safeguard")
    for kind, items in (
        ("processing", facts.processings),
        ("purpose", facts.purposes),
        ("retention rule", facts.retention_rules),
        ("recipient", facts.recipients),
    ):
        problems.extend(duplicates(kind, [item.code for item in items]))
    return problems
