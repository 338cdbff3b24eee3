import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from charte.privacy.queries import published_register


class Command(BaseCommand):
    help = "Print the register of processing joined with the personal-data declarations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "markdown"], default="markdown")
        parser.add_argument("--language", choices=["fr", "en"], default="fr")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            document = published_register()
            if options["format"] == "json":
                self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            else:
                self.stdout.write(to_markdown(document))


def to_markdown(doc: dict[str, Any]) -> str:
    lines = [f"# Register of processing: {doc['operator']['name']}", ""]
    for p in doc["processings"]:
        row = f" (Annex 1, row {p['annex_row']})" if p["annex_row"] else ""
        lines += [
            f"## {p['name']}{row}",
            "",
            f"- Legal basis: {p['legal_basis']['label']}. {p['legal_reference']}",
            f"- Retention: {p['retention']['name']}. {p['retention']['reason']}",
            f"- Data subjects: {', '.join(s['label'] for s in p['data_subjects'])}",
            "",
        ]
        for purpose in p["purposes"]:
            lines += [
                f"### {purpose['name']} (`{purpose['code']}`)",
                "",
                purpose["description"],
                "",
            ]
            if purpose["recipients"]:
                lines += [f"Recipients: {', '.join(purpose['recipients'])}", ""]
            if not purpose["data"]:
                lines += ["No declared data yet.", ""]
                continue
            lines += [
                "| Model | Categories | Fields | Retention | Erasure |",
                "|---|---|---|---|---|",
            ]
            for d in purpose["data"]:
                categories = ", ".join(c["label"] for c in d["categories"])
                fields = ", ".join(
                    f"{f['name']} ({f['category']}, {f['provenance']})" for f in d["fields"]
                )
                erasure = ", ".join(d["erasure"])
                lines.append(
                    f"| {d['model']} | {categories} | {fields} | {d['retention']} | {erasure} |"
                )
            lines.append("")
    lines += ["## Retention rules", ""]
    lines += [f"- `{r['code']}`: {r['name']}. {r['reason']}" for r in doc["retention_rules"]]
    lines += ["", "## Recipients", ""]
    for r in doc["recipients"]:
        safeguard = f", safeguard: {r['safeguard_label']}" if r["safeguard"] else ""
        lines.append(f"- `{r['code']}` {r['name']} ({r['kind_label']}, {r['country']}{safeguard})")
    lines += ["", "## Emails", ""]
    for e in doc.get("emails", []):
        rests = "essential" if e["essential"] else f"consent `{e['consent_purpose']}`"
        lines.append(f"- `{e['code']}` {e['name']} ({rests})")
    lines += ["", "## Models without personal data", ""]
    lines += [f"- {m['model']}: {m['reason']}" for m in doc["models_without_personal_data"]]
    return "\n".join(lines) + "\n"
