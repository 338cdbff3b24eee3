"""The art. 15 information about the records found, from the published register."""

from typing import Any

from charte.privacy import register
from charte.privacy.register import Category
from charte.privacy.registry import registry
from charte.subject_requests.archive.columns import anchor, csv_name
from charte.subject_requests.archive.html import Addressee


def information(
    rows: dict[str, int], scope: str, addressee: Addressee = Addressee.ADULT
) -> dict[str, Any]:
    """The art. 15 information about the records found, from the register and the registry,
    in the words of whom the archive is for: the register's texts for a pupil, or for a guardian
    about their child, where it has them."""
    from charte.privacy.queries import published_register

    document = published_register(data=False)
    words = addressee.words
    purposes = {p["code"]: (proc, p) for proc in document["processings"] for p in proc["purposes"]}
    recipients = {r["code"]: r for r in document["recipients"]}
    retention = {
        r["code"]: r | {"reason": str(register.RETENTION_BY_CODE[r["code"]].reason_for(**words))}
        for r in document["retention_rules"]
    }
    provenance = {p["code"]: p["label"] for p in document["provenances"]}
    records = []
    used_recipients: set[str] = set()
    disclosures = []
    for declaration in registry.declarations():
        count = rows.get(declaration.label, 0)
        if not count:
            continue
        entry_purposes = []
        for code in declaration.purposes:
            processing, purpose = purposes[code]
            said = register.PURPOSE_BY_CODE[code]
            legal_reference = register.PROCESSING_BY_CODE[processing["code"]].legal_reference_for
            used_recipients.update(purpose["recipients"])
            entry_purposes.append(
                {
                    "code": code,
                    "name": str(said.name_for(**words)),
                    "description": str(said.description_for(**words)),
                    "legal_basis": processing["legal_basis"]["label"],
                    "legal_reference": str(legal_reference(**words)),
                    "recipients": purpose["recipients"],
                }
            )
        sources = sorted({f.provenance.value for f in declaration.fields.values() if f.personal})
        categories = declaration.categories()
        record = {
            "model": declaration.label,
            "name": str(declaration.name),
            "rows": count,
            "file": csv_name(declaration),
            "anchor": anchor(declaration),
            "categories": [{"code": c.value, "label": str(c.label)} for c in categories],
            "purposes": entry_purposes,
            "sources": [{"code": s, "label": provenance[s]} for s in sources],
            "retention": retention[declaration.retention],
        }
        records.append(record)
        if Category.DISCLOSURES in categories:
            disclosures.append(
                {
                    "model": record["model"],
                    "name": record["name"],
                    "rows": count,
                    "anchor": record["anchor"],
                }
            )
    used = [recipients[c] for c in sorted(used_recipients)]
    return {
        "scope": scope,
        "controller": document["operator"],
        "records": records,
        "recipients": used,
        "disclosures": disclosures,
        "transfers": [r for r in used if r["outside_eea"]],
        "complaint": {
            "authority": "Commission nationale de l'informatique et des libertés (CNIL)",
            "address": "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France",
            "website": "www.cnil.fr",
        },
    }
