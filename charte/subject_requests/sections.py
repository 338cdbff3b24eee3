"""The privacy centre's section about the rights (registered in `apps.py`)."""

from typing import Any

from django.utils.translation import gettext as _

from charte.accounts.models import Role, User
from charte.privacy import register
from charte.privacy.queries import reader
from charte.subject_requests import deadlines, queries
from charte.subject_requests.models import Kind, Limitation

# The rights a person exercises from the privacy centre, in the order they look for them.
RIGHT_KINDS = (
    Kind.ACCESS,
    Kind.PORTABILITY,
    Kind.RECTIFICATION,
    Kind.ERASURE,
    Kind.RESTRICTION,
    Kind.OBJECTION,
)


def explanations(*, pupil: bool = False) -> dict[str, str]:
    """What each right does, in the words of the privacy centre and of the request form; a
    pupil reads of their own rights in "tu"."""
    said: dict[str, str] = {
        Kind.ACCESS: _(
            "Recevoir une copie de toutes les données que nous gardons, avec pourquoi et "
            "combien de temps."
        ),
        Kind.PORTABILITY: _(
            "Récupérer ce que vous avez fourni et produit (travaux, réponses...) dans des "
            "fichiers réutilisables ailleurs."
        ),
        Kind.RECTIFICATION: _("Faire corriger une information inexacte ou la compléter."),
        Kind.ERASURE: _(
            "Faire effacer les données et fermer le compte ; seul ce que la loi nous oblige à "
            "garder reste, le temps exigé."
        ),
        Kind.RESTRICTION: _(
            "Geler les données le temps d'une vérification : nous les gardons, sans les "
            "utiliser ni les modifier."
        ),
        Kind.OBJECTION: _(
            "Refuser un usage précis : le coach personnalisé, les statistiques, les e-mails "
            "d'information..."
        ),
    }
    if pupil:
        said[Kind.PORTABILITY] = _(
            "Récupérer ce que tu as fourni et produit (travaux, réponses...) dans des fichiers "
            "que tu peux réutiliser ailleurs."
        )
    return said


def rights_section(viewer: User, person: User) -> dict[str, Any] | None:
    """The privacy centre's block about the rights: what to ask, what was asked, what holds."""
    said = explanations(pupil=viewer.pk == person.pk and person.role == Role.PUPIL)
    limitations = Limitation.objects.active().filter(person=person).order_by("started_at")
    return {
        "person": person,
        "is_self": viewer.pk == person.pk,
        "rights": [(k, said[k]) for k in RIGHT_KINDS],
        "requests": list(queries.requests_of(person)[:10]),
        "restricted": any(lim.type == Limitation.Type.RESTRICTION for lim in limitations),
        "objections": [
            (lim, register.PURPOSE_BY_CODE[lim.purpose].name_for(**reader(viewer, person)))
            for lim in limitations
            if lim.type == Limitation.Type.OBJECTION and lim.purpose in register.PURPOSE_BY_CODE
        ],
        "directive": queries.directive_of(person) if viewer.pk == person.pk else None,
        "today": deadlines.today(),
    }
