"""Chloé's folders and resources for her sequences, and a pupil's own notes."""

from django.core.files.uploadedfile import SimpleUploadedFile

from charte.accounts.models import User
from charte.core.demo import Demo
from charte.resources import actions
from charte.resources.models import Folder, Resource
from charte.resources.uploads import check_upload

SYMBOLS_NOTE = """Les cinq symboles à connaître :
1. Le drapeau bleu, blanc, rouge.
2. La Marseillaise, hymne national (Rouget de Lisle, 1792).
3. Marianne, figure de la République.
4. Le 14 juillet, fête nationale.
5. La devise : Liberté, Égalité, Fraternité.

À faire en classe : retrouver chaque symbole sur une photo de la mairie."""

GRID_NOTE = """Grille d'évaluation de l'exposé (sur 20)
- L'association est bien présentée : son but, ses actions, qui elle aide (6 points)
- Tu expliques en quoi c'est de la solidarité ou de l'engagement (6 points)
- Le texte est clair et bien organisé (4 points)
- Tu cites tes sources (site de l'association, article, rencontre) (4 points)

Rappel : pas d'adresse, de téléphone ni de photo de personnes dans ton travail."""

EXPOSE_TXT = """Consignes de l'exposé « Une association près de chez toi »

1. Choisis une association (sport, solidarité, environnement, culture...).
2. Explique son but et ce qu'elle fait, en 15 à 20 lignes.
3. Dis pourquoi c'est une forme d'engagement ou de solidarité.
4. Cite au moins une source.

Tu peux rendre un texte tapé ou une photo de ta fiche (PDF, PNG ou JPEG).
"""

PUPIL_NOTE = """Mots à retenir :
- laïcité : l'État est neutre, chacun croit ou ne croit pas
- suffrage universel : tous les citoyens majeurs votent
- infox : fausse information faite pour tromper"""


def _folder(owner: User, name: str, parent: Folder | None = None) -> Folder:
    found = Folder.objects.filter(owner=owner, name=name, parent=parent).first()
    return found or actions.create_folder(owner=owner, name=name, parent=parent, actor=owner)


def _resource(owner: User, title: str, **kwargs: object) -> Resource:
    found = Resource.objects.filter(owner=owner, title=title).first()
    return found or actions.create_resource(owner=owner, title=title, actor=owner, **kwargs)  # type: ignore[arg-type]


def seed(demo: Demo) -> None:
    chloe = demo.person("teacher_chloe")
    republic = _folder(chloe, "Séquence 1 — La République")
    media = _folder(chloe, "Séquence 2 — Médias et information")
    commitment = _folder(chloe, "Séquence 3 — Solidarité et engagement")
    _folder(chloe, "Évaluations", commitment)
    _resource(
        chloe,
        "Fiche : les symboles de la République",
        kind="note",
        body=SYMBOLS_NOTE,
        folder=republic,
    )
    _resource(
        chloe,
        "Vie publique : comprendre les institutions",
        kind="link",
        url="https://www.vie-publique.fr/fiches",
        folder=republic,
    )
    _resource(
        chloe,
        "CLEMI : éducation aux médias et à l'information",
        kind="link",
        url="https://www.clemi.fr/",
        folder=media,
    )
    _resource(
        chloe, "Grille d'évaluation de l'exposé", kind="note", body=GRID_NOTE, folder=commitment
    )
    if not Resource.objects.filter(owner=chloe, title="Consignes de l'exposé").exists():
        upload = SimpleUploadedFile(
            "consignes-expose.txt", EXPOSE_TXT.encode(), content_type="text/plain"
        )
        _resource(
            chloe,
            "Consignes de l'exposé",
            kind="file",
            upload=check_upload(upload),
            folder=commitment,
        )

    ben = demo.person("child_ben")
    notes = _folder(ben, "Mes fiches")
    _resource(ben, "Mots à retenir en EMC", kind="note", body=PUPIL_NOTE, folder=notes)
