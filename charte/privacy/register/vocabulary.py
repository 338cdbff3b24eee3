"""The words of the register: what a processing, a purpose, a retention rule and a recipient are.

These types carry no facts; `data.py` holds the facts written with them.
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
    # What the operator's staff write for everyone in the course of their work (a newsletter's
    # text): the operator's own content, not data about its author; the link to the author is.
    SERVICE = "service", _("Contenus du service, rédigés par son personnel")


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
    JOB_APPLICATION_PARTNER = "job_application_partner", _("Partenaire de gestion des candidatures")
    SOCIAL_NETWORK = "social_network", _("Réseau social")
    PUBLIC_AUTHORITY = "public_authority", _("Organisme public ou auxiliaire de justice")
    DEBT_COLLECTOR = "debt_collector", _("Organisme de recouvrement de créances")


class NoticeKind(models.TextChoices):
    """What a recipient is told to do with what it received (GDPR art. 19)."""

    ERASE = "erase", _("Effacer les données reçues")
    CORRECT = "correct", _("Corriger les données reçues")
    STOP = "stop", _("Suspendre tout usage des données reçues")
    RESUME = "resume", _("Reprendre l'usage des données reçues")


class Reach(models.TextChoices):
    """How a recipient is told: its own API where it has one, else an email to its contact."""

    API = "api", _("son interface de programmation (API)")
    EMAIL = "email", _("un e-mail à son correspondant données personnelles")


@dataclass(frozen=True, kw_only=True)
class Notices:
    """How a recipient hears of a person's erasure, rectification or restriction (art. 19).

    `kinds` are the notices that apply to it; `keeps` names what it keeps, when told to erase,
    under its own legal obligation, and `keeps_reason` says which: its notice says so rather
    than asking for a deletion it may not make. Without an API address configured for it
    (`RECIPIENT_<CODE>_NOTICE_URL`), an API recipient is told by email too.
    """

    reach: Reach
    contact: str
    kinds: tuple[NoticeKind, ...] = tuple(NoticeKind)
    keeps: tuple[str, ...] = ()
    keeps_reason: Text = ""
    # Days the recipient has to confirm before the notice is overdue and the DPO is alerted.
    answer_days: int = 30


@dataclass(frozen=True, kw_only=True)
class Email:
    """A kind of email the platform sends (its code is the message kind's).

    Without `consent_purpose` it is essential: part of the service the person asked for (a
    link to confirm an address, the answer to a request, a security alert), sent without a
    consent and without an unsubscribe link. With one, it is sent only while that consent
    holds and carries a one-click unsubscribe link (RFC 8058) that withdraws exactly it.
    """

    code: str
    name: Text
    consent_purpose: str | None = None

    @property
    def essential(self) -> bool:
        return self.consent_purpose is None


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
    # The reason as a guardian reads it about their child, and as a pupil reads it about
    # themself, where `reason` says "vous"; empty when it reads well as it is.
    child_reason: Text = ""
    pupil_reason: Text = ""

    @property
    def period(self) -> tuple[int, int, int]:
        return (self.years, self.months, self.days)

    def reason_for(self, *, child: bool = False, pupil: bool = False) -> Text:
        if child:
            return self.child_reason or self.reason
        if pupil:
            return self.pupil_reason or self.reason
        return self.reason


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
    # How it is told of an erasure, rectification or restriction (GDPR art. 19); when it is
    # not, `not_told` says why (one of our own services, or what the law says).
    notices: Notices | None = None
    not_told: Text = ""

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
    # The legal reference as a guardian reads it about their child, and as a pupil reads it
    # about themself, where `legal_reference` says "vous"; empty when it reads well as it is.
    child_legal_reference: Text = ""
    pupil_legal_reference: Text = ""

    def legal_reference_for(self, *, child: bool = False, pupil: bool = False) -> Text:
        if child:
            return self.child_legal_reference or self.legal_reference
        if pupil:
            return self.pupil_legal_reference or self.legal_reference
        return self.legal_reference


@dataclass(frozen=True, kw_only=True)
class Purpose:
    code: str
    processing: str
    name: Text
    description: Text
    # May the person refuse or withdraw this purpose alone and keep using the service?
    separable: bool = False
    # The same purpose as a guardian reads it for their child, where `name` or `description`
    # speak to the person themself ("votre compte"); empty when they read well as they are.
    child_name: Text = ""
    child_description: Text = ""
    # The same purpose as a pupil reads it about themself: pupils are spoken to in "tu", where
    # `name` or `description` say "vous"; empty when they read well as they are.
    pupil_name: Text = ""
    pupil_description: Text = ""

    def name_for(self, *, child: bool = False, pupil: bool = False) -> Text:
        if child:
            return self.child_name or self.name
        if pupil:
            return self.pupil_name or self.name
        return self.name

    def description_for(self, *, child: bool = False, pupil: bool = False) -> Text:
        if child:
            return self.child_description or self.description
        if pupil:
            return self.pupil_description or self.description
        return self.description
