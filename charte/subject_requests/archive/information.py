"""The art. 15 information about the records found, from the published register."""

from typing import TYPE_CHECKING, Any

from charte.privacy.register import Category
from charte.privacy.registry import registry

if TYPE_CHECKING:
    pass
from charte.subject_requests.archive.columns import anchor, csv_name


def information(rows: dict[str, int], scope: str) -> dict[str, Any]:
    """The art. 15 information about the records found, from the register and the registry."""
    from charte.privacy.queries import published_register

    document = published_register(data=False)
    purposes = {p["code"]: (proc, p) for proc in document["processings"] for p in proc["purposes"]}
    recipients = {r["code"]: r for r in document["recipients"]}
    retention = {r["code"]: r for r in document["retention_rules"]}
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
            used_recipients.update(purpose["recipients"])
            entry_purposes.append(
                {
                    "code": code,
                    "name": purpose["name"],
                    "description": purpose["description"],
                    "legal_basis": processing["legal_basis"]["label"],
                    "legal_reference": processing["legal_reference"],
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
