"""The cookie categories and their trackers, as data: what the banner asks, the page lists and
the middleware enforces.

Each category names a purpose of the register (processing "cookies") and each tracker the
register's recipients; `checks.py` makes `manage.py check` fail when one of them does not exist.
A change here changes the fingerprint of what we ask (`catalogue.fingerprint`), and the banner
asks everyone again.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from charte.accounts.trusted_devices import DEVICE_COOKIE
from charte.privacy.register import Text


class TrackerSetter(models.TextChoices):
    SERVER = "server", _("notre serveur")
    PAGE = "page", _("la page, dans votre navigateur")


@dataclass(frozen=True, kw_only=True)
class Tracker:
    name: str
    lifetime: Text
    max_age: int | None  # seconds; None: gone when the browser closes
    set_by: TrackerSetter
    recipients: tuple[str, ...]
    prefix: bool = False  # the name starts with `name` (a site or user number follows)
    note: Text = ""
    # The note as a pupil reads it, in "tu", where `note` says "vous"; empty when it reads well.
    pupil_note: Text = ""

    def note_for(self, *, pupil: bool = False) -> Text:
        return (self.pupil_note or self.note) if pupil else self.note


@dataclass(frozen=True, kw_only=True)
class CookieCategory:
    code: str
    purpose: str
    exempt: bool = (
        False  # strictly necessary: no consent asked (loi Informatique et Libertés, art. 82)
    )
    trackers: tuple[Tracker, ...] = ()
    iab_purposes: tuple[int, ...] = ()
    iab_special_features: tuple[int, ...] = ()
    refused_under_gpc: bool = (
        False  # refused by default when the browser sends Global Privacy Control
    )


# The IAB Europe TCF v2.3 purposes and special features, in words a child can follow.
IAB_PURPOSES: dict[int, Text] = {
    1: _("Ranger des informations sur votre appareil et les relire"),
    2: _("Choisir des publicités avec peu de données"),
    3: _("Faire un profil de vos goûts pour la publicité"),
    4: _("Choisir des publicités d'après ce profil"),
    5: _("Faire un profil de vos goûts pour les contenus"),
    6: _("Choisir des contenus d'après ce profil"),
    7: _("Mesurer si les publicités marchent"),
    8: _("Mesurer si les contenus marchent"),
    9: _("Étudier le public avec des statistiques"),
    10: _("Créer et améliorer nos services"),
    11: _("Choisir des contenus avec peu de données"),
}
IAB_SPECIAL_FEATURES: dict[int, Text] = {
    1: _("Utiliser votre position précise"),
    2: _("Reconnaître votre appareil en examinant ses caractéristiques"),
}
# The same, as a pupil reads them, in "tu": those that say "vous" above.
PUPIL_IAB_PURPOSES: dict[int, Text] = {
    1: _("Ranger des informations sur ton appareil et les relire"),
    3: _("Faire un profil de tes goûts pour la publicité"),
    5: _("Faire un profil de tes goûts pour les contenus"),
}
PUPIL_IAB_SPECIAL_FEATURES: dict[int, Text] = {
    1: _("Utiliser ta position précise"),
    2: _("Reconnaître ton appareil en examinant ses caractéristiques"),
}


def iab_purpose(number: int, *, pupil: bool = False) -> Text:
    if pupil and number in PUPIL_IAB_PURPOSES:
        return PUPIL_IAB_PURPOSES[number]
    return IAB_PURPOSES[number]


def iab_special_feature(number: int, *, pupil: bool = False) -> Text:
    if pupil and number in PUPIL_IAB_SPECIAL_FEATURES:
        return PUPIL_IAB_SPECIAL_FEATURES[number]
    return IAB_SPECIAL_FEATURES[number]


DAY = 24 * 60 * 60
CONSENT_COOKIE = "charte_consent"
TCF_COOKIE = "euconsent-v2"

COOKIE_CATEGORIES: tuple[CookieCategory, ...] = (
    CookieCategory(
        code="essential",
        purpose="cookies_essential",
        exempt=True,
        trackers=(
            Tracker(
                name="sessionid",
                lifetime=_("jusqu'à la fermeture du navigateur (12 heures au plus)"),
                max_age=None,
                set_by=TrackerSetter.SERVER,
                recipients=("hosting",),
                note=_("Votre session, seulement si vous vous connectez."),
                pupil_note=_("Ta session, seulement si tu te connectes."),
            ),
            Tracker(
                name="csrftoken",
                lifetime=_("1 an"),
                max_age=365 * DAY,
                set_by=TrackerSetter.SERVER,
                recipients=("hosting",),
                note=_("Prouve que les formulaires envoyés viennent bien de notre site."),
            ),
            Tracker(
                name="django_language",
                lifetime=_("jusqu'à la fermeture du navigateur"),
                max_age=None,
                set_by=TrackerSetter.SERVER,
                recipients=("hosting",),
                note=_("La langue que vous avez choisie en bas de page."),
                pupil_note=_("La langue que tu as choisie en bas de page."),
            ),
            Tracker(
                name="messages",
                lifetime=_("jusqu'à la page suivante"),
                max_age=None,
                set_by=TrackerSetter.SERVER,
                recipients=("hosting",),
                note=_("Un message à afficher après une action (« Choix enregistré »)."),
            ),
            Tracker(
                name=DEVICE_COOKIE,
                lifetime=_("1 an après la dernière connexion"),
                max_age=365 * DAY,
                set_by=TrackerSetter.SERVER,
                recipients=("hosting",),
                note=_(
                    "Déposé quand vous vous connectez : reconnaît cet appareil, pour que "
                    "quelqu'un qui essaie de deviner votre mot de passe ailleurs ne vous empêche "
                    "pas de vous connecter ici. Il contient le numéro de votre compte et un "
                    "nombre tiré au hasard, rien d'autre."
                ),
                pupil_note=_(
                    "Déposé quand tu te connectes : reconnaît cet appareil, pour que quelqu'un "
                    "qui essaie de deviner ton mot de passe ailleurs ne t'empêche pas de te "
                    "connecter ici. Il contient le numéro de ton compte et un nombre tiré au "
                    "hasard, rien d'autre."
                ),
            ),
        ),
    ),
    CookieCategory(code="cart", purpose="cookies_cart", exempt=True),
    CookieCategory(
        code="choice",
        purpose="cookies",
        exempt=True,
        trackers=(
            Tracker(
                name=CONSENT_COOKIE,
                lifetime=_("6 mois"),
                max_age=183 * DAY,
                set_by=TrackerSetter.SERVER,
                recipients=("it",),
                note=_(
                    "Votre choix sur les cookies, pour ne pas vous le redemander à chaque page."
                ),
                pupil_note=_(
                    "Ton choix sur les cookies, pour ne pas te le redemander à chaque page."
                ),
            ),
            Tracker(
                name=TCF_COOKIE,
                lifetime=_("6 mois"),
                max_age=183 * DAY,
                set_by=TrackerSetter.SERVER,
                recipients=("it",),
                note=_(
                    "Le même choix, au format commun des publicitaires (IAB TCF v2.3) ; déposé "
                    "seulement si vous acceptez l'un de leurs usages."
                ),
                pupil_note=_(
                    "Le même choix, au format commun des publicitaires (IAB TCF v2.3) ; déposé "
                    "seulement si tu acceptes l'un de leurs usages."
                ),
            ),
        ),
    ),
    CookieCategory(
        code="sign_in",
        purpose="cookies_sign_in",
        trackers=(
            Tracker(
                name="sessionid",
                lifetime=_("30 jours"),
                max_age=30 * DAY,
                set_by=TrackerSetter.SERVER,
                recipients=("hosting",),
                note=_("Le cookie de session, gardé 30 jours au lieu d'une visite."),
            ),
        ),
    ),
    CookieCategory(
        code="audience",
        purpose="cookies_audience",
        trackers=(
            Tracker(
                name="ch_aud_id",
                lifetime=_("13 mois"),
                max_age=395 * DAY,
                set_by=TrackerSetter.PAGE,
                recipients=("it",),
                note=_("Un numéro tiré au hasard, pour compter les visiteurs sans les nommer."),
            ),
            Tracker(
                name="ch_aud_ses",
                lifetime=_("30 minutes"),
                max_age=30 * 60,
                set_by=TrackerSetter.PAGE,
                recipients=("it",),
                note=_("Le nombre de pages vues pendant la visite en cours."),
            ),
        ),
    ),
    CookieCategory(code="performance", purpose="cookies_performance"),
    CookieCategory(
        code="journey",
        purpose="cookies_journey",
        iab_purposes=(1, 5, 6, 8, 9, 10),
        iab_special_features=(1, 2),
    ),
    CookieCategory(
        code="advertising",
        purpose="cookies_advertising",
        iab_purposes=(2, 3, 4, 7),
        refused_under_gpc=True,
    ),
    CookieCategory(code="social", purpose="cookies_social", refused_under_gpc=True),
)
COOKIE_CATEGORY_BY_CODE = {c.code: c for c in COOKIE_CATEGORIES}
