from datetime import date

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import Role, User
from charte.core.models import PublicIdModel


class Kind(models.TextChoices):
    ACCESS = "access", _("Accès aux données")
    RECTIFICATION = "rectification", _("Rectification")
    RESTRICTION = "restriction", _("Limitation du traitement")
    OBJECTION = "objection", _("Opposition")
    ERASURE = "erasure", _("Effacement")
    PORTABILITY = "portability", _("Portabilité")
    DIRECTIVES = "directives", _("Directives pour après le décès")
    DEATH_NOTICE = "death_notice", _("Signalement d'un décès")


class Status(models.TextChoices):
    AWAITING_IDENTITY = "awaiting_identity", _("Identité à vérifier")
    IN_REVIEW = "in_review", _("En cours d'examen")
    PROCESSING = "processing", _("En cours d'exécution")
    COMPLETED = "completed", _("Traitée")
    PARTIAL = "partial", _("Traitée en partie")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


OPEN_STATUSES = (Status.AWAITING_IDENTITY, Status.IN_REVIEW, Status.PROCESSING)
CLOSED_STATUSES = (Status.COMPLETED, Status.PARTIAL, Status.REFUSED, Status.CANCELLED)


class Channel(models.TextChoices):
    ONLINE = "online", _("En ligne, depuis l'espace « Mes données »")
    EMAIL = "email", _("Par e-mail")
    PHONE = "phone", _("Par téléphone")
    POST = "post", _("Par courrier")
    OPERATOR = "operator", _("Par un opérateur (ligne de commande)")
    PUBLIC_FORM = "public_form", _("Par le formulaire en ligne des proches, sans compte")


class Relation(models.TextChoices):
    SELF = "self", _("La personne elle-même")
    GUARDIAN = "guardian", _("Son responsable légal")
    TRUSTED_PERSON = "trusted_person", _("La personne de confiance désignée (après décès)")
    HEIR = "heir", _("Un héritier (après décès)")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Acceptée")
    NARROWED = "narrowed", _("Acceptée en partie")
    REFUSED = "refused", _("Refusée")


class Ground(models.TextChoices):
    """The legal reasons for refusing or narrowing a request, each tied to its article."""

    UNFOUNDED = "art12_5_unfounded", _("Demande manifestement infondée (RGPD art. 12.5)")
    EXCESSIVE = "art12_5_excessive", _("Demande excessive, notamment répétitive (RGPD art. 12.5)")
    IDENTITY = "art12_6_identity", _("Identité du demandeur non établie (RGPD art. 11.2 et 12.6)")
    OTHERS_RIGHTS = "art15_4_others", _("Atteinte aux droits et libertés d'autrui (RGPD art. 15.4)")
    LEGAL_OBLIGATION = (
        "art17_3_b_obligation",
        _("Conservation imposée par une obligation légale (RGPD art. 17.3.b)"),
    )
    LEGAL_CLAIMS = (
        "art17_3_e_claims",
        _("Constatation, exercice ou défense de droits en justice (RGPD art. 17.3.e)"),
    )
    NOT_PORTABLE = (
        "art20_1_scope",
        _("Données hors du champ de la portabilité (RGPD art. 20.1)"),
    )
    LEGITIMATE_GROUNDS = (
        "art21_1_grounds",
        _("Motifs légitimes et impérieux pour le traitement (RGPD art. 21.1)"),
    )
    ACCURATE = "art16_accurate", _("Les données sont exactes et complètes (RGPD art. 16)")
    NO_STANDING = (
        "lil85_standing",
        _(
            "Qualité d'héritier ou de personne de confiance non établie (loi Informatique et "
            "Libertés, art. 85)"
        ),
    )


class IdentityMethod(models.TextChoices):
    REAUTHENTICATION = "reauthentication", _("Mot de passe saisi à nouveau, en ligne")
    ACCOUNT_EMAIL = "account_email", _("Réponse depuis l'adresse e-mail du compte")
    PHONE_CALLBACK = "phone_callback", _("Rappel au numéro de téléphone du compte")
    DOCUMENT = "document", _("Pièce d'identité présentée (non conservée)")
    DEATH_CERTIFICATE = "death_certificate", _("Acte de décès et qualité du demandeur")
    OPERATOR = "operator", _("Opérateur habilité, en ligne de commande")
    SESSION = "session", _("Personne connectée à son compte (opposition en un clic)")


class SubjectRequestQuerySet(models.QuerySet["SubjectRequest"]):
    def open(self) -> "SubjectRequestQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date) -> "SubjectRequestQuerySet":
        return self.open().filter(
            Q(extended_to__isnull=True, due_on__lt=today) | Q(extended_to__lt=today)
        )

    def about(self, person: User) -> "SubjectRequestQuerySet":
        return self.filter(person=person)


class SubjectRequest(PublicIdModel):
    """A request from a data subject (or for them), from receipt to its answer.

    The row outlives the person's erasure: what was asked, when, and how it was answered is
    the proof that we answered (kept five years); the person's link and free text go.
    """

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.AWAITING_IDENTITY
    )
    person = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subject_requests",
        verbose_name=_("personne concernée"),
    )
    requester = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subject_requests_made",
        verbose_name=_("demandeur"),
    )
    relation = models.CharField(
        _("qualité du demandeur"), max_length=20, choices=Relation.choices, default=Relation.SELF
    )
    channel = models.CharField(_("canal"), max_length=12, choices=Channel.choices)
    opened_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisie par"),
    )
    assignee = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suivie par"),
    )
    details = models.TextField(_("précisions"), blank=True)
    purposes = models.JSONField(_("finalités visées"), default=list, blank=True)
    received_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    due_on = models.DateField(_("à traiter au plus tard le"))
    extended_to = models.DateField(_("prolongée jusqu'au"), null=True, blank=True)
    extension_reason = models.TextField(_("motif de la prolongation"), blank=True)
    identity_verified_at = models.DateTimeField(_("identité vérifiée le"), null=True, blank=True)
    decision = models.CharField(_("décision"), max_length=12, choices=Decision.choices, blank=True)
    ground = models.CharField(_("fondement"), max_length=24, choices=Ground.choices, blank=True)
    decision_note = models.TextField(_("explication de la décision"), blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    completed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    outcome = models.JSONField(_("résultat"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    archive_name = models.CharField(_("fichier de l'archive"), max_length=80, blank=True)
    archive_sha256 = models.CharField(
        _("empreinte SHA-256 de l'archive"), max_length=64, blank=True
    )
    archive_size = models.PositiveBigIntegerField(_("taille de l'archive"), default=0)
    archive_expires_at = models.DateTimeField(
        _("archive disponible jusqu'au"), null=True, blank=True
    )
    reminded_stage = models.PositiveSmallIntegerField(_("rappels envoyés"), default=0)
    identity_digest = models.CharField(_("empreinte de l'identité"), max_length=64, blank=True)
    # An heir's or trusted person's filing made online, without an account: whom to answer.
    claim = models.ForeignKey(
        "Claim",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("déclaration en ligne d'un proche"),
    )

    objects = SubjectRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande sur les données personnelles")
        verbose_name_plural = _("demandes sur les données personnelles")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            # The DPO's queue: the open requests, soonest deadline first, a page at a time. Closed
            # requests pile up over the years; this index holds only the open ones, in order.
            models.Index(
                Coalesce("extended_to", "due_on"),
                F("id"),
                name="subject_req_open_by_deadline",
                condition=Q(status__in=OPEN_STATUSES),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in Kind]), name="subject_request_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True) | ~Q(extension_reason=""),
                name="subject_request_extension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"

    @property
    def reference(self) -> str:
        """A short reference to quote on the phone or in an email."""
        return self.public_id.hex[:8].upper()

    @property
    def deadline(self) -> date:
        return self.extended_to or self.due_on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.deadline < today

    def days_left(self, today: date) -> int:
        return (self.deadline - today).days

    @property
    def archive_ready(self) -> bool:
        return bool(self.archive_name) and self.archive_expires_at is not None


class IdentityCheck(PublicIdModel):
    """How the requester's identity (or standing) was checked, by whom, and on what evidence."""

    request = models.ForeignKey(
        SubjectRequest,
        on_delete=models.CASCADE,
        related_name="identity_checks",
        verbose_name=_("demande"),
    )
    method = models.CharField(_("méthode"), max_length=24, choices=IdentityMethod.choices)
    evidence = models.TextField(_("éléments vérifiés"))
    verified = models.BooleanField(_("identité établie"), default=True)
    checked_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifiée par"),
    )
    # What the checker was, kept when their account goes: the proof still says "by the DPO".
    checked_by_role = models.CharField(
        _("vérifiée par (fonction)"), max_length=20, choices=Role.choices, blank=True
    )
    checked_at = models.DateTimeField(_("vérifiée le"), default=timezone.now)

    class Meta:
        verbose_name = _("vérification d'identité")
        verbose_name_plural = _("vérifications d'identité")
        ordering = ["checked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.method} ({self.checked_at:%Y-%m-%d})"


class Note(PublicIdModel):
    """An internal note of the people who handle the request."""

    request = models.ForeignKey(
        SubjectRequest, on_delete=models.CASCADE, related_name="notes", verbose_name=_("demande")
    )
    author = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("écrite le"), default=timezone.now)

    class Meta:
        verbose_name = _("note de suivi")
        verbose_name_plural = _("notes de suivi")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note {self.public_id}"


class LimitationQuerySet(models.QuerySet["Limitation"]):
    def active(self) -> "LimitationQuerySet":
        return self.filter(ended_at__isnull=True)


class Limitation(PublicIdModel):
    """A restriction of processing (GDPR art. 18) or an objection to one purpose (art. 21)."""

    class Type(models.TextChoices):
        RESTRICTION = "restriction", _("Limitation du traitement")
        OBJECTION = "objection", _("Opposition")

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="limitations", verbose_name=_("personne")
    )
    type = models.CharField(_("nature"), max_length=12, choices=Type.choices)
    purpose = models.CharField(_("finalité"), max_length=40, blank=True)
    request = models.ForeignKey(
        SubjectRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demande"),
    )
    started_at = models.DateTimeField(_("depuis le"), default=timezone.now)
    ended_at = models.DateTimeField(_("levée le"), null=True, blank=True)

    objects = LimitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("limitation ou opposition")
        verbose_name_plural = _("limitations et oppositions")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "type", "purpose"],
                condition=Q(ended_at__isnull=True),
                name="subject_requests_one_active_limitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.purpose}"


class Directive(PublicIdModel):
    """What a person wants done with their data after their death (loi Informatique et
    Libertés, art. 85), and whom they trust to see it done."""

    class Wish(models.TextChoices):
        KEEP = "keep", _("Conserver mes données jusqu'à la fin de leur durée de conservation")
        DELETE = "delete", _("Effacer mes données et fermer mon compte")
        COMMUNICATE = "communicate", _("Communiquer mes données à ma personne de confiance")

    person = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="directive", verbose_name=_("personne")
    )
    trusted_name = models.CharField(_("nom de la personne de confiance"), max_length=160)
    trusted_email = models.EmailField(_("adresse e-mail de la personne de confiance"))
    wish = models.CharField(_("volonté"), max_length=12, choices=Wish.choices)
    instructions = models.TextField(_("précisions"), blank=True)
    updated_at = models.DateTimeField(_("mise à jour le"), default=timezone.now)

    class Meta:
        verbose_name = _("directive pour après le décès")
        verbose_name_plural = _("directives pour après le décès")

    def __str__(self) -> str:
        return f"directive {self.public_id}"


class Death(PublicIdModel):
    """A death notified and verified by staff, after which the directive (or heirs) may act."""

    person = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="death", verbose_name=_("personne décédée")
    )
    request = models.ForeignKey(
        SubjectRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demande"),
    )
    verified_at = models.DateTimeField(_("décès vérifié le"), default=timezone.now)

    class Meta:
        verbose_name = _("décès signalé")
        verbose_name_plural = _("décès signalés")

    def __str__(self) -> str:
        return f"death {self.public_id}"


class ErasureCertificate(PublicIdModel):
    """Proof that an erasure was carried out, holding no personal data.

    The identity is a keyed hash (HMAC-SHA256 with the server's secret key): it lets us answer
    "was this person erased?" when they ask again, and tells nothing to anyone without the key.
    """

    request = models.OneToOneField(
        SubjectRequest, on_delete=models.PROTECT, related_name="certificate"
    )
    identity_digest = models.CharField(_("empreinte de l'identité"), max_length=64)
    counts = models.JSONField(_("nombre d'éléments par catégorie"), default=dict)
    residual_clean = models.BooleanField(_("aucune trace résiduelle"))
    started_at = models.DateTimeField(_("effacement commencé le"))
    finished_at = models.DateTimeField(_("effacement terminé le"))
    issued_at = models.DateTimeField(_("délivré le"), default=timezone.now)

    class Meta:
        verbose_name = _("certificat d'effacement")
        verbose_name_plural = _("certificats d'effacement")

    def __str__(self) -> str:
        return f"certificate {self.public_id}"


def proof_upload_to(instance: "Proof", filename: str) -> str:
    from charte.resources.uploads import random_path

    return random_path("justificatifs", filename)


class Claim(PublicIdModel):
    """What an heir or a trusted person filed online, without an account (loi Informatique et
    Libertés, art. 85): who they are, where to answer them, and (through `requests`) what they
    asked. Every message about those requests goes to `email`, never to the deceased."""

    person = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims_about",
        verbose_name=_("personne décédée"),
    )
    relation = models.CharField(_("qualité déclarée"), max_length=20, choices=Relation.choices)
    name = models.CharField(_("nom du déclarant"), max_length=160)
    email = models.EmailField(_("adresse e-mail du déclarant"))
    language = models.CharField(_("langue"), max_length=8, default="fr")
    filed_at = models.DateTimeField(_("déposée le"), default=timezone.now)

    class Meta:
        verbose_name = _("déclaration en ligne d'un proche")
        verbose_name_plural = _("déclarations en ligne de proches")

    def __str__(self) -> str:
        return f"claim {self.public_id}"


class Proof(PublicIdModel):
    """A document uploaded with a claim (a death certificate, a proof of quality), kept for
    the DPO to check, under a random name, and downloaded by staff only."""

    class Type(models.TextChoices):
        DEATH_CERTIFICATE = "death_certificate", _("Acte de décès")
        QUALITY = "quality", _("Justificatif de la qualité d'héritier ou de personne de confiance")

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="proofs", verbose_name=_("déclaration")
    )
    type = models.CharField(_("nature"), max_length=20, choices=Type.choices)
    file = models.FileField(_("fichier"), upload_to=proof_upload_to)
    file_name = models.CharField(_("nom du fichier"), max_length=120)
    content_type = models.CharField(_("type de fichier"), max_length=100)
    size = models.PositiveIntegerField(_("taille"), default=0)
    uploaded_at = models.DateTimeField(_("reçu le"), default=timezone.now)

    class Meta:
        verbose_name = _("justificatif")
        verbose_name_plural = _("justificatifs")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"proof {self.public_id}"


class ArchiveKey(PublicIdModel):
    """The single-use way to an archive for someone answered at an address (an heir without
    an account): a link (its token, hashed here) and a code sent to the same address when the
    link is opened (hashed too). It dies once used, after too many wrong codes, or with the
    archive."""

    MAX_ATTEMPTS = 5

    request = models.ForeignKey(
        SubjectRequest, on_delete=models.CASCADE, related_name="keys", verbose_name=_("demande")
    )
    token_digest = models.CharField(_("empreinte du lien"), max_length=64, unique=True)
    code_digest = models.CharField(_("empreinte du code"), max_length=64, blank=True)
    code_sent_at = models.DateTimeField(_("code envoyé le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("codes erronés"), default=0)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lien à usage unique vers une archive")
        verbose_name_plural = _("liens à usage unique vers une archive")

    def __str__(self) -> str:
        return f"archive key {self.public_id}"
