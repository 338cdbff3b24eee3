"""Demo error reports: one in each state of the queue, from a visitor, a child and a parent."""

from datetime import timedelta

from django.utils import timezone

from charte.accounts.models import User
from charte.core.actors import ANONYMOUS
from charte.core.demo import Demo
from charte.support import actions
from charte.support.models import ErrorReport

# handle of the reporter (None: a visitor), page, message, days ago, what customer service did.
REPORTS: list[tuple[str | None, str, str, int, str]] = [
    (
        None,
        "/charte/",
        "Dans la partie sur les durées de conservation, une phrase est coupée au milieu.",
        9,
        "closed",
    ),
    (
        "guardian_anna",
        "/compte/mes-donnees/",
        "Sur la page des données de mon fils, le tableau dépasse de l'écran sur mon téléphone.",
        4,
        "answered",
    ),
    (
        "child_ben",
        "/",
        "Le quiz sur les symboles de la République dit que ma réponse est fausse alors que "
        "j'ai mis Marianne.",
        2,
        "in_progress",
    ),
    (
        None,
        "/compte/connexion/",
        "Le lien « Mot de passe oublié » est difficile à voir sur fond bleu.",
        0,
        "new",
    ),
]

ANSWERS = {
    "closed": "Merci ! La phrase est corrigée depuis ce matin.",
    "answered": "Merci pour votre signalement : le tableau défile maintenant sur les petits "
    "écrans. N'hésitez pas à nous dire si ce n'est pas le cas chez vous.",
}


def seed(demo: Demo) -> None:
    staff = demo.person("cs_farid")
    now = timezone.now()
    for handle, page, message, days_ago, state in REPORTS:
        reporter: User | None = demo.person(handle) if handle else None
        if ErrorReport.objects.filter(reporter=reporter, message=message).exists():
            continue
        report = actions.report_error(
            reporter=reporter,
            message=message,
            page=page,
            contact_email="visiteur.demo@exemple.example" if state == "closed" else "",
            actor=reporter or ANONYMOUS,
        )
        # The demo's story happened over the past days: date each report back to its day.
        ErrorReport.objects.filter(pk=report.pk).update(
            created_at=now - timedelta(days=days_ago, hours=3)
        )
        if state in {"in_progress", "answered", "closed"}:
            actions.assign_report(report=report, assignee=staff, actor=staff)
        if state in ANSWERS:
            actions.answer_report(report=report, body=ANSWERS[state], actor=staff)
        if state == "closed":
            actions.close_report(report=report, actor=staff)
    demo.say(f"Error reports: {ErrorReport.objects.count()} in the queue's history.")
