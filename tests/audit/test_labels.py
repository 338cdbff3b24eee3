"""Every event the code can write to the journal, and every model the register declares, has a
label in French and in English: the DPO's journal and a person's archive name them in words.

The events are collected from the source: every call passing `event=` (or `audit.record`'s first
argument), with its value a string, a constant of `charte.audit.events` or of the module, or a
choice between two of those. A new event written without a label fails here.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.text import camel_case_to_spaces

from charte.audit import events
from charte.core import notices
from charte.privacy.registry import registry

ROOT = Path(__file__).resolve().parents[2]


def _values(node: ast.expr, module: object) -> set[str] | None:
    """The strings an expression can be, or None if it cannot be read without running code."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _values(node.body, module), _values(node.orelse, module)
        return None if body is None or orelse is None else body | orelse
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id == "events":
            return {getattr(events, node.attr)}
        return None
    if isinstance(node, ast.Name):
        value = getattr(module, node.id, None)
        return {value} if isinstance(value, str) else None
    return None


def written_events() -> dict[str, str]:
    """Each event the code writes -> where."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "charte").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module: object = None
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            argument = next((k.value for k in node.keywords if k.arg == "event"), None)
            if argument is None and name == "record" and node.args:
                argument = node.args[0]
            if argument is None:
                continue
            if module is None:
                module = importlib.import_module(module_name.removesuffix(".__init__"))
            for value in _values(argument, module) or ():
                if "." in value and not value.startswith(events.READ_PREFIX):
                    found.setdefault(value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_collection_finds_the_events_of_every_kind_of_call():
    found = written_events()
    assert "order.placed" in found  # a string
    assert events.SEALED in found  # a constant of the vocabulary
    assert events.CSP_VIOLATION in found  # a module's constant
    assert {"learning.excluded", "learning.included"} <= set(found)  # a choice of two
    assert len(found) > 100


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_written_event_has_a_label(language):
    missing = []
    with translation.override(language):
        for event, where in written_events().items():
            label = str(events.label(event))
            if label == event or "." in label.split(" ")[0]:
                missing.append(f"{event} ({where})")
    assert not missing, "events without a label: " + ", ".join(missing)


def test_every_label_is_translated_into_english():
    untranslated = []
    for event, text in events.LABELS.items():
        with translation.override("fr"):
            french = str(text)
        with translation.override("en"):
            english = str(text)
        if french == english:
            untranslated.append(event)
    assert not untranslated, "labels without English: " + ", ".join(untranslated)


def written_detail_keys() -> set[str]:
    """The keys of every `data={...}` written beside an `event=`."""
    keys = set()
    for path in sorted((ROOT / "charte").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not any(k.arg == "event" for k in node.keywords):
                continue
            for keyword in node.keywords:
                if keyword.arg == "data" and isinstance(keyword.value, ast.Dict):
                    keys |= {
                        k.value
                        for k in keyword.value.keys
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)
                    }
    return keys


def test_every_detail_key_has_a_label():
    keys = written_detail_keys()
    assert {"amount_cents", "plan", "reason"} <= keys
    missing = sorted(keys - set(events.DETAIL_LABELS))
    assert not missing, "detail keys without a label: " + ", ".join(missing)


def test_details_read_in_words():
    data = {"amount_cents": 490, "gpc": False, "categories": ["audience"], "plan": "famille"}
    with translation.override("fr"):
        assert events.details(data) == [
            ("montant", "4,90 €"),
            ("signal Global Privacy Control", "non"),
            ("catégories", "audience"),
            ("formule", "famille"),
        ]
    with translation.override("en"):
        assert events.details(data)[:2] == [
            ("amount", "4.90 €"),
            ("Global Privacy Control signal", "no"),
        ]


def test_every_declared_model_is_named_in_words_in_both_languages():
    missing = []
    for declaration in registry.declarations():
        default = camel_case_to_spaces(declaration.model.__name__)
        with translation.override("fr"):
            french = str(declaration.name)
        with translation.override("en"):
            english = str(declaration.name)
        if default in (french, french.rstrip("s")) or french == english:
            missing.append(f"{declaration.label} ({french!r} / {english!r})")
    assert not missing, "models without a name in words: " + ", ".join(missing)


def test_detail_values_that_are_codes_read_in_words():
    data: dict[str, object] = {
        "purpose": "newsletter",
        "channel": "email_link",
        "role": "teacher",
        "kind": "erasure",
    }
    with translation.override("fr"):
        assert events.details(data) == [
            ("finalité", "Notre lettre d'information"),
            ("canal", "lien de désinscription d'un e-mail"),
            ("rôle", "Enseignant"),
            ("type", "Effacement"),
        ]
    with translation.override("en"):
        assert events.details(data)[0][1] == "Our newsletter"
    assert events.details({"purpose": "not-a-purpose"}) == [("finalité", "not-a-purpose")]


@pytest.mark.parametrize("key", ["purpose", "channel", "role", "kind", "relation", "verification"])
def test_every_declared_code_has_words_in_both_languages(key):
    labels = events.value_labels(key)
    assert labels
    for code, text in labels.items():
        with translation.override("fr"):
            french = str(text)
        with translation.override("en"):
            english = str(text)
        assert code not in (french, english) or code == french.lower(), (key, code)


def test_the_dpos_journal_shows_a_consents_purpose_and_channel_in_words(
    db, dpo_elise, guardian_anna
):
    from django.urls import reverse

    from charte.consent.actions import record_choices
    from tests.conftest import client_for

    record_choices(
        person=guardian_anna,
        choices={"newsletter": True},
        actor=guardian_anna,
        channel="email_link",
    )
    page = client_for(dpo_elise).get(reverse("audit:search"), {"event": "consent.given"})

    text = page.content.decode()
    assert "Notre lettre d&#x27;information" in text
    assert "lien de désinscription d&#x27;un e-mail" in text
    assert "newsletter" not in text.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("kind", notices.all_kinds(), ids=lambda k: k.code)
def test_every_message_kind_reads_in_words_in_both_languages(kind):
    """Each kind of message names itself where it is declared; the journal's details and the
    archive read it from there. A kind declared without words in English fails here."""
    with translation.override("fr"):
        [(name, french)] = events.details({"kind": kind.code})
    with translation.override("en"):
        [(_, english)] = events.details({"kind": kind.code})
    assert name == "type"
    assert kind.code not in (french, english)
    assert french.strip()
    assert english.strip()
    assert french != english, f"{kind.code} has no English words"


def test_the_dpos_journal_shows_a_message_kind_in_words(
    db, dpo_elise, guardian_anna, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from charte.consent.actions import record_choices
    from charte.core.actors import SEED
    from charte.notifications.actions import notify
    from tests.conftest import client_for

    record_choices(
        person=guardian_anna, choices={"newsletter": True}, actor=guardian_anna, channel="api"
    )
    newsletter = notices.get("mailings.newsletter")
    notify(kind=newsletter.code, person=guardian_anna, actor=SEED, context=newsletter.example)

    page = client_for(dpo_elise).get(reverse("audit:search"), {"event": "notification.queued"})

    main = page.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert "Lettre d&#x27;information" in main
    assert "mailings.newsletter" not in main
