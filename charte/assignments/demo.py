"""Work given in Chloé's class, at different stages: past and done (some late), an exposé
handed in by most pupils with feedback on some, one due soon, and one for a few pupils only."""

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from charte.accounts.models import User
from charte.assignments import actions
from charte.assignments.models import Assignment, Production
from charte.content.models import Exercise, Lesson
from charte.core.demo import Demo
from charte.resources.models import Resource
from charte.results.demo import make_attempt
from charte.results.models import Attempt
from charte.schools import queries as schools
from charte.schools.demo import CHLOE_CLASS, HUGO_CLASS, demo_class
from charte.schools.models import SchoolClass

EXPOSES = [
    "J'ai choisi les Restos du cœur. Cette association a été créée en 1985 par Coluche. Elle "
    "distribue des repas aux personnes qui n'ont pas assez d'argent pour manger. Les bénévoles "
    "trient les aliments et les donnent. C'est de la solidarité car ils aident sans être payés.",
    "Mon association est un club de football. Les entraîneurs sont bénévoles : ils donnent leur "
    "temps le mercredi et le samedi. Le club organise aussi une collecte de jouets à Noël. "
    "S'engager dans un club, c'est aider les autres à progresser.",
    "J'ai fait mon exposé sur la Croix-Rouge. Elle porte secours aux blessés et aide les "
    "personnes après les catastrophes. Elle forme aussi aux gestes de premiers secours. Source : "
    "le site de la Croix-Rouge française.",
    "L'association de mon quartier nettoie les berges de la rivière une fois par mois. Tout le "
    "monde peut venir. C'est de l'engagement pour l'environnement et pour les habitants.",
    "Je présente une association qui aide les élèves à faire leurs devoirs. Des étudiants "
    "bénévoles viennent deux soirs par semaine. C'est de l'entraide et de la fraternité.",
]

FEEDBACK = [
    "Très bon travail : l'association est bien présentée et tu expliques clairement pourquoi "
    "c'est de la solidarité. Pense à citer ta source la prochaine fois.",
    "Bon exposé, bien organisé. Tu pourrais développer un peu plus ce que font les bénévoles.",
    "Bravo, ta source est citée et ton texte est clair. 17/20.",
]


def _give(
    teacher: User,
    created: datetime,
    title: str,
    *,
    school_class: SchoolClass,
    due_at: datetime,
    **kwargs: Any,
) -> Assignment:
    """Give the work now (the action refuses past due dates), then move it back in time."""
    found = Assignment.objects.filter(title=title, school_class=school_class).first()
    if found is not None:
        return found
    assignment = actions.create_assignment(
        school_class=school_class,
        title=title,
        actor=teacher,
        due_at=timezone.now() + timedelta(days=1),
        **kwargs,
    )
    # Seeding only: this work was given weeks ago.
    Assignment.objects.filter(pk=assignment.pk).update(created_at=created, due_at=due_at)
    assignment.refresh_from_db()
    return assignment


def seed(demo: Demo) -> None:
    rng = random.Random(1905)  # noqa: S311  (repeatable demo data, not a secret)
    chloe, hugo = demo.person("teacher_chloe"), demo.person("teacher_hugo")
    workshop = demo_class(chloe, CHLOE_CLASS)
    pupils = list(schools.pupils_of_class(workshop))
    if not pupils or Assignment.objects.filter(school_class=workshop).exists():
        return
    now = timezone.now()
    morning = now.replace(hour=8, minute=0, second=0, microsecond=0)

    symbols = Exercise.objects.get(slug="republique-symboles")
    first = _give(
        chloe,
        morning - timedelta(days=30),
        "Les symboles de la République",
        school_class=workshop,
        exercise=symbols,
        lesson=Lesson.objects.get(slug="symboles-et-valeurs"),
        instructions="Relisez la leçon, puis faites l'exercice. Vous pouvez le refaire autant de "
        "fois que vous voulez.",
        due_at=morning - timedelta(days=23),
    )
    attempts = []
    for n, pupil in enumerate(pupils):
        if n % 7 == 3:
            continue  # never done: late
        days = rng.randrange(1, 7) if n % 5 else rng.randrange(8, 12)  # a few hand it in late
        at = first.created_at + timedelta(days=days, hours=rng.randrange(9, 19))
        attempts.append(make_attempt(pupil, symbols, rng.uniform(0.55, 0.95), at, rng))
    Attempt.objects.bulk_create(attempts)

    grid = Resource.objects.filter(owner=chloe, title="Grille d'évaluation de l'exposé").first()
    expose = _give(
        chloe,
        morning - timedelta(days=14),
        "Exposé : une association près de chez toi",
        school_class=workshop,
        expects_production=True,
        resource=grid,
        lesson=Lesson.objects.get(slug="s-engager"),
        instructions="Présente en 15 à 20 lignes une association que tu connais : son but, ses "
        "actions, et pourquoi c'est une forme de solidarité ou d'engagement. Suis la grille "
        "jointe.",
        due_at=morning - timedelta(days=4),
    )
    for n, pupil in enumerate(pupils):
        if n % 4 == 2:
            continue  # not handed in: late
        production = actions.hand_in(
            assignment=expose,
            pupil=pupil,
            text=EXPOSES[n % len(EXPOSES)],
            files=[],
            actor=pupil,
        )
        days = rng.randrange(2, 10) if n % 6 else 11  # one or two after the due date
        handed = expose.created_at + timedelta(days=days, hours=rng.randrange(8, 20))
        Production.objects.filter(pk=production.pk).update(submitted_at=handed, updated_at=handed)
        if n % 3 == 0:
            production.refresh_from_db()
            actions.give_feedback(
                production=production, feedback=FEEDBACK[n % len(FEEDBACK)], actor=chloe
            )

    media = Exercise.objects.get(slug="medias-indices")
    upcoming = _give(
        chloe,
        morning - timedelta(days=3),
        "Vérifier une information",
        school_class=workshop,
        exercise=media,
        lesson=Lesson.objects.get(slug="verifier-une-information"),
        instructions="Avant le débat de jeudi : faites l'exercice sur les indices d'un article "
        "fiable.",
        due_at=morning + timedelta(days=4, hours=9),
    )
    Attempt.objects.bulk_create(
        make_attempt(
            p, media, rng.uniform(0.5, 0.95), upcoming.created_at + timedelta(days=1, hours=n), rng
        )
        for n, p in enumerate(pupils[::3])
        if p.username != "ben.martin"
    )

    few = [
        p
        for p in pupils
        if p.username in {"ben.martin", "nour.haddad", "manon.perrin", "jade.henry"}
    ]
    _give(
        chloe,
        morning - timedelta(days=1),
        "Mes données, mes droits",
        school_class=workshop,
        exercise=Exercise.objects.get(slug="numerique-donnees"),
        expects_production=True,
        pupils=few,
        instructions="Faites l'exercice, puis écrivez trois conseils pour protéger ses données "
        "en ligne, sans donner d'exemple avec vos propres informations.",
        due_at=morning + timedelta(days=9, hours=9),
    )

    third = demo_class(hugo, HUGO_CLASS)
    if schools.pupils_of_class(third).exists():
        _give(
            hugo,
            morning - timedelta(days=2),
            "La démocratie et le vote",
            school_class=third,
            exercise=Exercise.objects.get(slug="vote-bureau"),
            due_at=morning + timedelta(days=6),
        )
