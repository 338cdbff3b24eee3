"""The register of processing (GDPR art. 30), as data.

Design: this module is the single source of the facts the charter states. The published
charter, the access archive (art. 15 information), the retention sweep and the consent screens
all read from here and from the declarations in each app's `privacy.py`; none restates them.
A change here is a change of the charter: the charter versions computed from it say so.

Vocabulary:
- a *processing* is a row of the register (the charter's Annex 1 has two of them): one legal
  basis, one default retention, its data subjects and recipients;
- a *purpose* is a finer use within a processing, which data declarations name (the coach, the
  results, the error reports...), so that objection and restriction can act per purpose;
- a *retention rule* says how long data lives and from which date, with its legal reason;
- a *recipient* is anyone who receives personal data, inside or outside the operator.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

type Text = str | Promise


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consentement (RGPD art. 6.1.a)")
    CONTRACT = "contract", _("Exécution d'un contrat (RGPD art. 6.1.b)")
    LEGAL_OBLIGATION = "legal_obligation", _("Obligation légale (RGPD art. 6.1.c)")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Intérêt légitime (RGPD art. 6.1.f)")


class Category(models.TextChoices):
    """Categories of personal data, as the charter names them to the people concerned."""

    IDENTITY = "identity", _("Identité (nom, prénom, identifiant)")
    CONTACT = "contact", _("Coordonnées (adresse e-mail, téléphone)")
    CREDENTIALS = "credentials", _("Mot de passe (conservé uniquement sous forme hachée)")
    AGE = "age", _("Date de naissance")
    ACCOUNT = "account", _("Informations du compte (rôle, langue, pays, dates)")
    CONNECTION = "connection", _("Données de connexion (adresse IP, terminal, horodatage)")
    BROWSING = "browsing", _("Données de navigation (pages vues, clics)")
    ORDERS = "orders", _("Commandes, abonnements et références de paiement")
    WORK = "work", _("Travaux et productions")
    RESULTS = "results", _("Résultats, taux de réussite et niveaux de compétence")
    LEARNING_PROFILE = "learning_profile", _("Recommandations pédagogiques")
    SCHOOLING = "schooling", _("Établissement, classe et année scolaire")
    FAMILY = "family", _("Liens familiaux (responsables et enfants)")
    RESOURCES = "resources", _("Ressources personnelles")
    MESSAGES = "messages", _("Messages adressés au service")
    CONSENT = "consent", _("Consentements et choix, avec leur preuve")
    REQUESTS = "requests", _("Demandes relatives aux données personnelles")
    SECURITY = "security", _("Journal de sécurité")
    # Rows that record a communication of the person's data to a recipient (GDPR art. 15.1.c):
    # the access archive lists every model holding such a field as a disclosure.
    DISCLOSURES = "disclosures", _("Communications de vos données à des destinataires")
    REFERENCE = "reference", _("Références internes (identifiants, liens entre enregistrements)")


class Provenance(models.TextChoices):
    """Where a datum comes from; portability (GDPR art. 20) covers `provided` and `observed`."""

    PROVIDED = "provided", _("fournie par la personne (ou son responsable légal)")
    OBSERVED = "observed", _("observée à partir de l'activité de la personne")
    DERIVED = "derived", _("calculée par nous à partir d'autres données")
    OTHERS = "others", _("fournie par un tiers (enseignant, établissement, partenaire)")


PORTABLE_PROVENANCES = frozenset({Provenance.PROVIDED, Provenance.OBSERVED})


class Anchor(models.TextChoices):
    """The date a retention period runs from. None of these dates can be edited afterwards."""

    SCHOOL_YEAR = (
        "school_year",
        _("la fin de l'année scolaire de création ou de renouvellement du compte"),
    )
    ROW_TIME = "row_time", _("la date enregistrée sur l'élément lui-même")
    LAST_ACTIVITY = (
        "last_activity",
        _("la dernière activité de la personne (clic, connexion, commande)"),
    )
    ACCOUNT = "account", _("la suppression du compte de la personne")


class Safeguard(models.TextChoices):
    """The legal ground for a transfer outside the EU/EEA (GDPR chapter V)."""

    ADEQUACY = "adequacy", _("Décision d'adéquation de la Commission européenne (RGPD art. 45)")
    SCC = "scc", _("Clauses contractuelles types (RGPD art. 46.2.c)")
    BCR = "bcr", _("Règles d'entreprise contraignantes (RGPD art. 47)")


class RecipientKind(models.TextChoices):
    INTERNAL_SERVICE = "internal_service", _("Service interne")
    PROCESSOR = "processor", _("Sous-traitant")
    SUB_PROCESSOR = "sub_processor", _("Sous-traitant ultérieur")
    PAYMENT_PROVIDER = "payment_provider", _("Prestataire de paiement")
    PARTNER = "partner", _("Partenaire commercial (uniquement avec votre consentement exprès)")
    REVIEW_PARTNER = "review_partner", _("Partenaire « avis client »")
    JOB_APPLICATION_PARTNER = "job_application_partner", _("Partenaire de gestion des candidatures")
    SOCIAL_NETWORK = "social_network", _("Réseau social")
    PUBLIC_AUTHORITY = "public_authority", _("Organisme public ou auxiliaire de justice")
    DEBT_COLLECTOR = "debt_collector", _("Organisme de recouvrement de créances")


# The EU and EEA member states (ISO 3166-1 alpha-2), within which data moves freely.
EEA_COUNTRIES = frozenset(
    (
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT"),
        *("LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"),
    )
)


@dataclass(frozen=True, kw_only=True)
class RetentionRule:
    code: str
    name: Text
    anchor: Anchor
    years: int = 0
    months: int = 0
    days: int = 0
    reason: Text

    @property
    def period(self) -> tuple[int, int, int]:
        return (self.years, self.months, self.days)


@dataclass(frozen=True, kw_only=True)
class Recipient:
    code: str
    name: Text
    kind: RecipientKind
    categories: tuple[Category, ...]
    purposes: tuple[str, ...]
    country: str
    safeguard: Safeguard | None = None
    safeguard_date: date | None = None
    audit_right: bool = False
    # Sharing with this recipient needs the person's express, prior consent to this purpose.
    consent_purpose: str | None = None

    @property
    def outside_eea(self) -> bool:
        return self.country not in EEA_COUNTRIES


@dataclass(frozen=True, kw_only=True)
class Processing:
    code: str
    name: Text
    legal_basis: LegalBasis
    legal_reference: Text
    retention: str
    data_subjects: tuple[str, ...]
    annex_row: int | None = None


@dataclass(frozen=True, kw_only=True)
class Purpose:
    code: str
    processing: str
    name: Text
    description: Text
    # May the person refuse or withdraw this purpose alone and keep using the service?
    separable: bool = False


RETENTION_RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        code="account",
        name=_("L'année scolaire + 3 mois"),
        anchor=Anchor.SCHOOL_YEAR,
        months=3,
        reason=_(
            "Charte, annexe 1 : le compte et ce qu'il contient sont conservés pendant l'année "
            "scolaire de sa création, plus 3 mois ; un renouvellement les reporte à l'année "
            "scolaire suivante."
        ),
    ),
    RetentionRule(
        code="journal",
        name=_("Un an au maximum"),
        anchor=Anchor.ROW_TIME,
        years=1,
        reason=_(
            "Charte, annexe 1 : le journal de sécurité est conservé un an au maximum (RGPD "
            "art. 5 et 32), assez pour retracer une intrusion, pas davantage."
        ),
    ),
    RetentionRule(
        code="accounting",
        name=_("10 ans (pièces comptables)"),
        anchor=Anchor.ROW_TIME,
        years=10,
        reason=_(
            "Code de commerce, art. L123-22 : les pièces comptables sont conservées dix ans ; "
            "seuls les champs qu'exige une facture sont gardés."
        ),
    ),
    RetentionRule(
        code="proof",
        name=_("5 ans après la fin de ce qu'elle prouve"),
        anchor=Anchor.ROW_TIME,
        years=5,
        reason=_(
            "RGPD art. 7.1 et 5.2 : nous devons pouvoir prouver un consentement ou la réponse à "
            "une demande ; 5 ans est le délai de prescription des actions civiles (Code civil, "
            "art. 2224)."
        ),
    ),
    RetentionRule(
        code="unconfirmed_child",
        name=_("14 jours sans consentement d'un responsable légal"),
        anchor=Anchor.ROW_TIME,
        days=14,
        reason=_(
            "RGPD art. 8 et loi Informatique et Libertés art. 45 : sans le consentement d'un "
            "responsable légal sous 14 jours, le compte en attente d'un enfant et tout ce qui le "
            "concerne sont effacés."
        ),
    ),
    RetentionRule(
        code="consent_withdrawn",
        name=_("30 jours après le retrait du consentement"),
        anchor=Anchor.ROW_TIME,
        days=30,
        reason=_(
            "RGPD art. 7.3 et 17.1.b : quand un responsable légal retire son consentement, le "
            "compte de l'enfant est fermé aussitôt et plus rien n'est traité ; ses données sont "
            "effacées 30 jours plus tard, le temps pour la famille de récupérer ce qu'elle "
            "souhaite garder (portabilité) ou de revenir sur sa décision."
        ),
    ),
    RetentionRule(
        code="marketing",
        name=_("3 ans après le dernier contact"),
        anchor=Anchor.LAST_ACTIVITY,
        years=3,
        reason=_(
            "Recommandation de la CNIL sur la prospection commerciale : un contact inactif "
            "depuis 3 ans est retiré des listes de diffusion."
        ),
    ),
    RetentionRule(
        code="applications",
        name=_("2 ans après le dernier contact"),
        anchor=Anchor.LAST_ACTIVITY,
        years=2,
        reason=_(
            "Recommandation de la CNIL sur le recrutement : une candidature non retenue est "
            "gardée 2 ans au plus, sauf opposition du candidat."
        ),
    ),
    RetentionRule(
        code="session",
        name=_("Jusqu'à la fin de la session (12 heures au plus)"),
        anchor=Anchor.ROW_TIME,
        reason=_("Nécessaire seulement tant que vous êtes connecté."),
    ),
    RetentionRule(
        code="technical",
        name=_("30 jours"),
        anchor=Anchor.ROW_TIME,
        days=30,
        reason=_(
            "Traces des tâches d'arrière-plan, gardées pour comprendre une panne, puis supprimées."
        ),
    ),
    RetentionRule(
        code="error_reports",
        name=_("Un an après le signalement"),
        anchor=Anchor.ROW_TIME,
        years=1,
        reason=_(
            "Le temps de traiter un signalement d'erreur, d'y répondre et de vérifier que "
            "l'erreur ne revient pas ; au-delà, il ne sert plus à rien."
        ),
    ),
    RetentionRule(
        code="with_account",
        name=_("Aussi longtemps que le compte de la personne concernée"),
        anchor=Anchor.ACCOUNT,
        reason=_("Nécessaire pour rendre le service au compte auquel ces données appartiennent."),
    ),
)

ALL_PLATFORM_SUBJECTS = ("pupil", "parent", "teacher", "school_staff")

DATA_SUBJECTS: dict[str, Text] = {
    "pupil": _("Élèves"),
    "parent": _("Parents"),
    "teacher": _("Enseignants"),
    "school_staff": _("Personnels des établissements"),
    "visitor": _("Visiteurs du site"),
    "staff": _("Personnels de l'éditeur"),
}

PROCESSINGS: tuple[Processing, ...] = (
    Processing(
        code="platform",
        name=_(
            "La plateforme d'apprentissage : votre compte utilisateur et les services auxquels il "
            "donne accès"
        ),
        legal_basis=LegalBasis.CONSENT,
        legal_reference=_(
            "Votre consentement (RGPD art. 6.1.a) ; pour un enfant de moins de 15 ans (âge de la "
            "majorité numérique en France), le consentement d'un titulaire de l'autorité "
            "parentale (RGPD art. 8, loi Informatique et Libertés art. 45)."
        ),
        retention="account",
        data_subjects=ALL_PLATFORM_SUBJECTS,
        annex_row=1,
    ),
    Processing(
        code="security",
        name=_(
            "La gestion du fonctionnement et de la sécurité du site, avec journalisation des "
            "événements"
        ),
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        legal_reference=_(
            "Dispositions réglementaires : RGPD art. 5 et 32 (sécurité du traitement)."
        ),
        retention="journal",
        data_subjects=(*ALL_PLATFORM_SUBJECTS, "visitor", "staff"),
        annex_row=2,
    ),
    Processing(
        code="orders",
        name=_("Les commandes, abonnements, paiements et factures"),
        legal_basis=LegalBasis.CONTRACT,
        legal_reference=_(
            "L'exécution du contrat d'abonnement (RGPD art. 6.1.b) ; les factures sont conservées "
            "en vertu d'une obligation légale (RGPD art. 6.1.c, Code de commerce art. L123-22)."
        ),
        retention="accounting",
        data_subjects=("parent", "teacher", "school_staff"),
    ),
    Processing(
        code="marketing",
        name=_("Les actualités et offres par e-mail"),
        legal_basis=LegalBasis.CONSENT,
        legal_reference=_(
            "Votre consentement (RGPD art. 6.1.a ; Code des postes et des communications "
            "électroniques, art. L34-5)."
        ),
        retention="marketing",
        data_subjects=("parent", "teacher", "school_staff"),
    ),
    Processing(
        code="cookies",
        name=_("Les cookies et autres traceurs"),
        legal_basis=LegalBasis.CONSENT,
        legal_reference=_(
            "Votre consentement (loi Informatique et Libertés, art. 82), sauf pour les cookies "
            "strictement nécessaires au service que vous avez demandé, qui en sont exemptés."
        ),
        retention="session",
        data_subjects=(*ALL_PLATFORM_SUBJECTS, "visitor"),
    ),
    Processing(
        code="recruitment",
        name=_("Les candidatures spontanées"),
        legal_basis=LegalBasis.CONTRACT,
        legal_reference=_(
            "Les mesures précontractuelles prises à votre demande (RGPD art. 6.1.b)."
        ),
        retention="applications",
        data_subjects=("visitor",),
    ),
    Processing(
        code="compliance",
        name=_("La preuve des consentements et la réponse à vos demandes sur vos données"),
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        legal_reference=_("RGPD art. 7.1 (preuve du consentement) et art. 12 à 22 (vos droits)."),
        retention="proof",
        data_subjects=(*ALL_PLATFORM_SUBJECTS, "visitor", "staff"),
    ),
)

PURPOSES: tuple[Purpose, ...] = (
    # Annex 1, row 1: the platform.
    Purpose(
        code="account",
        processing="platform",
        name=_("Votre compte et le fonctionnement de la plateforme"),
        description=_(
            "Créer votre compte, vous connecter et faire fonctionner l'ensemble des services "
            "de la plateforme."
        ),
    ),
    Purpose(
        code="resources",
        processing="platform",
        name=_("Les ressources pédagogiques"),
        description=_("Vous donner accès aux leçons, exercices et documents du catalogue."),
    ),
    Purpose(
        code="coach",
        processing="platform",
        name=_("Le coach : des parcours personnalisés"),
        description=_(
            "Vous proposer quoi travailler ensuite d'après vos résultats, avec des contenus "
            "connexes. Vous pouvez vous y opposer : le coach propose alors à tous la même chose."
        ),
        separable=True,
    ),
    Purpose(
        code="evaluation",
        processing="platform",
        name=_("Les résultats et les compétences"),
        description=_(
            "Corriger les exercices, calculer les taux de réussite et le niveau atteint dans "
            "chaque compétence, et les montrer à l'élève, à ses responsables et à ses enseignants."
        ),
    ),
    Purpose(
        code="assignments",
        processing="platform",
        name=_("Le travail donné et les productions"),
        description=_(
            "Le travail donné par les enseignants, le travail rendu par les élèves et les "
            "appréciations des enseignants."
        ),
    ),
    Purpose(
        code="personal_resources",
        processing="platform",
        name=_("Vos ressources personnelles"),
        description=_("Créer, conserver, organiser et réutiliser vos propres ressources."),
    ),
    Purpose(
        code="groups",
        processing="platform",
        name=_("Les familles, établissements et classes"),
        description=_(
            "Les comptes famille, où un parent crée et gère les comptes de ses enfants, et le "
            "rattachement des élèves à leur établissement et à leur classe."
        ),
    ),
    Purpose(
        code="error_reports",
        processing="platform",
        name=_("Le signalement d'une erreur"),
        description=_(
            "Recevoir et traiter ce que vous nous signalez par le formulaire de signalement "
            "d'erreur."
        ),
    ),
    Purpose(
        code="improvement",
        processing="platform",
        name=_("L'analyse et l'amélioration du service"),
        description=_(
            "Comprendre comment la plateforme est utilisée pour l'améliorer, dans la limite de "
            "votre consentement."
        ),
        separable=True,
    ),
    Purpose(
        code="statistics",
        processing="platform",
        name=_("Les statistiques"),
        description=_(
            "Les rapports individuels de résultats et les rapports anonymisés d'usage de la "
            "plateforme."
        ),
    ),
    # Annex 1, row 2: security.
    Purpose(
        code="security_journal",
        processing="security",
        name=_("Le journal d'activité et de sécurité"),
        description=_(
            "Assurer la traçabilité des accès et des actions, la sécurité du service, et "
            "détecter, empêcher ou retracer toute tentative d'intrusion."
        ),
    ),
    # Orders.
    Purpose(
        code="orders",
        processing="orders",
        name=_("Les commandes et abonnements"),
        description=_("Enregistrer vos commandes et abonnements et en garder l'historique."),
    ),
    Purpose(
        code="invoicing",
        processing="orders",
        name=_("Les factures et la comptabilité"),
        description=_("Émettre les factures et les conserver comme la loi l'exige."),
    ),
    # Marketing.
    Purpose(
        code="newsletter",
        processing="marketing",
        name=_("Notre lettre d'information"),
        description=_("Les nouvelles de la plateforme et des nouvelles ressources, par e-mail."),
        separable=True,
    ),
    Purpose(
        code="partner_offers",
        processing="marketing",
        name=_("Les offres de nos partenaires"),
        description=_(
            "Transmettre vos coordonnées à des partenaires de confiance, uniquement avec votre "
            "consentement exprès."
        ),
        separable=True,
    ),
    # Cookies (their categories are detailed by the cookies app).
    Purpose(
        code="cookies",
        processing="cookies",
        name=_("Les cookies et traceurs"),
        description=_("Retenir vos choix en matière de cookies et les appliquer."),
        separable=True,
    ),
    # The categories of cookies and trackers that the banner lists (see COOKIE_CATEGORIES).
    Purpose(
        code="cookies_essential",
        processing="cookies",
        name=_("Le fonctionnement du site"),
        description=_(
            "Garder votre session pendant la visite, protéger les formulaires contre les "
            "tricheurs, retenir la langue choisie. Sans eux, le site ne marche pas : ils ne "
            "demandent pas votre accord."
        ),
    ),
    Purpose(
        code="cookies_cart",
        processing="cookies",
        name=_("Le panier"),
        description=_(
            "Retenir ce que vous avez mis dans votre panier avant de commander. Il est gardé "
            "avec votre session, sans cookie de plus."
        ),
    ),
    Purpose(
        code="cookies_sign_in",
        processing="cookies",
        name=_("Rester connecté"),
        description=_(
            "Vous garder connecté sur cet appareil pendant 30 jours, même après avoir fermé le "
            "navigateur. Sans votre accord, vous êtes déconnecté quand vous fermez le navigateur."
        ),
        separable=True,
    ),
    Purpose(
        code="cookies_audience",
        processing="cookies",
        name=_("La mesure d'audience"),
        description=_(
            "Compter les visites et les pages vues, pour savoir ce qui sert et ce qui ne sert "
            "pas. Nous le faisons nous-mêmes : rien ne part chez quelqu'un d'autre."
        ),
        separable=True,
    ),
    Purpose(
        code="cookies_performance",
        processing="cookies",
        name=_("La performance"),
        description=_(
            "Mesurer la vitesse des pages et repérer les erreurs sur votre appareil, pour les "
            "corriger."
        ),
        separable=True,
    ),
    Purpose(
        code="cookies_journey",
        processing="cookies",
        name=_("L'optimisation du parcours"),
        description=_(
            "Vous proposer des contenus qui vous correspondent, d'après ce que vous faites sur "
            "le site, et améliorer nos produits. Vous pouvez choisir chaque usage un par un."
        ),
        separable=True,
    ),
    Purpose(
        code="cookies_advertising",
        processing="cookies",
        name=_("La publicité personnalisée"),
        description=_(
            "Choisir les publicités montrées selon vos centres d'intérêt, et mesurer si elles "
            "marchent. Vous pouvez choisir chaque usage un par un."
        ),
        separable=True,
    ),
    Purpose(
        code="cookies_social",
        processing="cookies",
        name=_("Les réseaux sociaux"),
        description=_(
            "Afficher des vidéos et des publications venues de réseaux sociaux. Ces sites "
            "peuvent alors savoir que vous êtes venu ici. Sans votre accord, nous montrons un "
            "simple bouton à la place."
        ),
        separable=True,
    ),
    # Compliance.
    Purpose(
        code="consent_proof",
        processing="compliance",
        name=_("La preuve du consentement"),
        description=_("Garder qui a consenti à quoi, quand, et après avoir lu quel texte."),
    ),
    Purpose(
        code="reviews",
        processing="marketing",
        name=_("Votre avis sur la plateforme"),
        description=_(
            "Vous inviter, par notre partenaire « avis client », à donner votre avis, "
            "uniquement si vous l'avez accepté."
        ),
        separable=True,
    ),
    Purpose(
        code="job_applications",
        processing="recruitment",
        name=_("Les candidatures"),
        description=_("Recevoir et étudier les candidatures spontanées, par notre partenaire."),
    ),
    Purpose(
        code="debt_collection",
        processing="orders",
        name=_("Le recouvrement des impayés"),
        description=_("Confier une facture restée impayée à un organisme de recouvrement."),
    ),
    Purpose(
        code="authority_requests",
        processing="compliance",
        name=_("Les demandes des autorités"),
        description=_(
            "Répondre aux demandes des organismes publics et des auxiliaires de justice, "
            "uniquement quand la loi nous y oblige."
        ),
    ),
    Purpose(
        code="subject_requests",
        processing="compliance",
        name=_("La réponse à vos demandes"),
        description=_(
            "Traiter vos demandes d'accès, de rectification, d'effacement et vos autres droits."
        ),
    ),
)

RECIPIENTS: tuple[Recipient, ...] = (
    Recipient(
        code="customer_service",
        name=_("Notre service client"),
        kind=RecipientKind.INTERNAL_SERVICE,
        categories=(Category.IDENTITY, Category.CONTACT, Category.ACCOUNT, Category.MESSAGES),
        purposes=("account", "error_reports", "orders", "subject_requests"),
        country="FR",
    ),
    Recipient(
        code="marketing",
        name=_("Notre service marketing"),
        kind=RecipientKind.INTERNAL_SERVICE,
        categories=(Category.IDENTITY, Category.CONTACT, Category.CONSENT),
        purposes=("newsletter", "partner_offers", "reviews"),
        country="FR",
    ),
    Recipient(
        code="sales",
        name=_("Notre service commercial"),
        kind=RecipientKind.INTERNAL_SERVICE,
        categories=(Category.IDENTITY, Category.CONTACT, Category.SCHOOLING),
        purposes=("orders",),
        country="FR",
    ),
    Recipient(
        code="accounting",
        name=_("Notre service comptabilité"),
        kind=RecipientKind.INTERNAL_SERVICE,
        categories=(Category.IDENTITY, Category.CONTACT, Category.ORDERS),
        purposes=("orders", "invoicing", "debt_collection"),
        country="FR",
    ),
    Recipient(
        code="it",
        name=_("Notre service informatique"),
        kind=RecipientKind.INTERNAL_SERVICE,
        categories=(Category.ACCOUNT, Category.CONNECTION, Category.SECURITY),
        purposes=(
            "account",
            "security_journal",
            "improvement",
            "cookies",
            "consent_proof",
            "cookies_essential",
            "cookies_audience",
            "cookies_performance",
            "cookies_journey",
        ),
        country="FR",
    ),
    Recipient(
        code="dpo",
        name=_("Notre délégué à la protection des données"),
        kind=RecipientKind.INTERNAL_SERVICE,
        # The journal (to search it, and its alerts) and the requests people make about their data.
        categories=(
            Category.IDENTITY,
            Category.CONTACT,
            Category.ACCOUNT,
            Category.CONNECTION,
            Category.SECURITY,
        ),
        purposes=("security_journal", "subject_requests"),
        country="FR",
    ),
    Recipient(
        code="hosting",
        name=_("Notre hébergeur"),
        kind=RecipientKind.PROCESSOR,
        categories=tuple(Category),
        purposes=tuple(p.code for p in PURPOSES if p.processing != "recruitment"),
        country="FR",
    ),
    Recipient(
        code="email_provider",
        name=_("Notre prestataire d'envoi d'e-mails"),
        kind=RecipientKind.PROCESSOR,
        categories=(Category.IDENTITY, Category.CONTACT, Category.MESSAGES),
        purposes=(
            "account",
            "groups",
            "assignments",
            "error_reports",
            "orders",
            "invoicing",
            "newsletter",
            "reviews",
            "security_journal",
            "subject_requests",
            "consent_proof",
        ),
        country="FR",
    ),
    Recipient(
        code="backup_storage",
        name=_("Notre stockage de sauvegardes chiffrées"),
        kind=RecipientKind.SUB_PROCESSOR,
        categories=tuple(Category),
        purposes=tuple(p.code for p in PURPOSES if p.processing != "recruitment"),
        country="DE",
    ),
    Recipient(
        code="uptime_monitoring",
        name=_("Notre service de surveillance de disponibilité"),
        kind=RecipientKind.SUB_PROCESSOR,
        categories=(Category.CONNECTION,),
        purposes=("security_journal",),
        country="US",
        safeguard=Safeguard.SCC,
        safeguard_date=date(2021, 6, 4),
        audit_right=True,
    ),
    Recipient(
        code="payment_provider",
        name=_("Notre prestataire de paiement"),
        kind=RecipientKind.PAYMENT_PROVIDER,
        categories=(Category.IDENTITY, Category.CONTACT, Category.ORDERS),
        purposes=("orders",),
        country="FR",
    ),
    Recipient(
        code="partner_publisher",
        name=_("Nos éditeurs partenaires"),
        kind=RecipientKind.PARTNER,
        categories=(Category.IDENTITY, Category.CONTACT),
        purposes=("partner_offers",),
        country="FR",
        consent_purpose="partner_offers",
    ),
    Recipient(
        code="review_partner",
        name=_("Notre partenaire « avis client »"),
        kind=RecipientKind.REVIEW_PARTNER,
        categories=(Category.IDENTITY, Category.CONTACT),
        purposes=("reviews",),
        country="FR",
        consent_purpose="reviews",
    ),
    Recipient(
        code="job_application_partner",
        name=_("Notre partenaire de gestion des candidatures"),
        kind=RecipientKind.JOB_APPLICATION_PARTNER,
        categories=(Category.IDENTITY, Category.CONTACT, Category.MESSAGES),
        purposes=("job_applications",),
        country="FR",
    ),
    Recipient(
        code="social_network",
        name=_("Les réseaux sociaux, quand vous partagez une page"),
        kind=RecipientKind.SOCIAL_NETWORK,
        categories=(Category.BROWSING,),
        purposes=("cookies_social",),
        country="US",
        safeguard=Safeguard.ADEQUACY,
        safeguard_date=date(2023, 7, 10),
        consent_purpose="cookies_social",
    ),
    Recipient(
        code="public_authority",
        name=_("Les organismes publics et auxiliaires de justice"),
        kind=RecipientKind.PUBLIC_AUTHORITY,
        categories=tuple(c for c in Category if c != Category.CREDENTIALS),
        purposes=("authority_requests",),
        country="FR",
    ),
    Recipient(
        code="debt_collector",
        name=_("Notre organisme de recouvrement"),
        kind=RecipientKind.DEBT_COLLECTOR,
        categories=(Category.IDENTITY, Category.CONTACT, Category.ORDERS),
        purposes=("debt_collection",),
        country="FR",
    ),
)

# Cookies and trackers -----------------------------------------------------------------------------
# The categories that the cookie banner, the cookies page and the charter list, each with the
# trackers it sets. The banner asks about exactly these; a change here changes the fingerprint
# of what we ask, and the banner asks everyone again.


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

DAY = 24 * 60 * 60
CONSENT_COOKIE = "charte_consent"
DEVICE_COOKIE = "charte_device"
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


# Indexes by code, built once.
PROCESSING_BY_CODE = {p.code: p for p in PROCESSINGS}
PURPOSE_BY_CODE = {p.code: p for p in PURPOSES}
RETENTION_BY_CODE = {r.code: r for r in RETENTION_RULES}
RECIPIENT_BY_CODE = {r.code: r for r in RECIPIENTS}


def purposes_of(processing: str) -> list[Purpose]:
    return [p for p in PURPOSES if p.processing == processing]


def recipients_of(purpose: str) -> list[Recipient]:
    """Who receives data for a purpose: said once, on each recipient, never twice."""
    return [r for r in RECIPIENTS if purpose in r.purposes]


def validate() -> list[str]:
    """Inconsistencies inside the register itself (dangling codes); empty when sound."""
    problems = []
    for processing in PROCESSINGS:
        if processing.retention not in RETENTION_BY_CODE:
            problems.append(
                f"processing {processing.code}: unknown retention {processing.retention!r}"
            )
    for processing in PROCESSINGS:
        problems.extend(
            f"processing {processing.code}: unknown data subject {code!r}"
            for code in processing.data_subjects
            if code not in DATA_SUBJECTS
        )
    for purpose in PURPOSES:
        if purpose.processing not in PROCESSING_BY_CODE:
            problems.append(f"purpose {purpose.code}: unknown processing {purpose.processing!r}")
    for recipient in RECIPIENTS:
        problems.extend(
            f"recipient {recipient.code}: unknown purpose {code!r}"
            for code in recipient.purposes
            if code not in PURPOSE_BY_CODE
        )
        if recipient.outside_eea and recipient.safeguard is None:
            problems.append(f"recipient {recipient.code}: outside the EU/EEA without a safeguard")
    for category in COOKIE_CATEGORIES:
        of_category = PURPOSE_BY_CODE.get(category.purpose)
        if of_category is None or of_category.processing != "cookies":
            problems.append(f"cookie category {category.code}: not a purpose of cookies")
        problems.extend(
            f"cookie category {category.code}: unknown recipient {code!r}"
            for tracker in category.trackers
            for code in tracker.recipients
            if code not in RECIPIENT_BY_CODE
        )
        problems.extend(
            f"cookie category {category.code}: unknown IAB purpose {n}"
            for n in category.iab_purposes
            if n not in IAB_PURPOSES
        )
        problems.extend(
            f"cookie category {category.code}: unknown IAB special feature {n}"
            for n in category.iab_special_features
            if n not in IAB_SPECIAL_FEATURES
        )
        if recipient.consent_purpose and recipient.consent_purpose not in PURPOSE_BY_CODE:
            problems.append(
                f"recipient {recipient.code}: unknown consent purpose {recipient.consent_purpose!r}"
            )
    for kind, items in (
        ("processing", PROCESSINGS),
        ("purpose", PURPOSES),
        ("retention rule", RETENTION_RULES),
        ("recipient", RECIPIENTS),
        ("cookie category", COOKIE_CATEGORIES),
    ):
        codes = [item.code for item in items]
        problems.extend(
            f"{kind} {code}: declared twice" for code in {c for c in codes if codes.count(c) > 1}
        )
    return problems
