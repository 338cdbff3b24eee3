from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Length, Replace
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.models import PublicIdModel

last4_validator = RegexValidator(
    r"^[0-9]{4}$", _("Les 4 derniers chiffres de la carte, seulement.")
)


def _without_digits(field: str) -> Combinable:
    """The column with its ASCII digits taken out: nested REPLACE runs on SQLite and
    PostgreSQL alike, where a regular expression in a check constraint would not."""
    expression: Combinable = models.F(field)
    for digit in "0123456789":
        expression = Replace(expression, Value(digit), Value(""))
    return expression


class Audience(models.TextChoices):
    FAMILY = "family", _("Famille")
    TEACHER = "teacher", _("Enseignant")
    SCHOOL = "school", _("Établissement")


class Order(PublicIdModel):
    """One purchase of a plan, from the checkout to the provider's confirmation.

    Of the payment we keep the provider's payment id and the card's last 4 digits: never the
    card number, which only the provider's own page receives.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de paiement")
        PAID = "paid", _("payée")
        CANCELLED = "cancelled", _("annulée")

    buyer = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("acheteur"),
    )
    plan_code = models.CharField(_("formule"), max_length=40)
    audience = models.CharField(_("pour"), max_length=12, choices=Audience.choices)
    description = models.CharField(_("désignation"), max_length=200)
    amount_cents = models.PositiveIntegerField(_("montant TTC (centimes)"))
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    seats = models.PositiveIntegerField(_("élèves couverts"), null=True, blank=True)
    billing_name = models.CharField(_("nom de facturation"), max_length=160)
    billing_address = models.TextField(_("adresse de facturation"), max_length=500)
    organisation = models.CharField(_("établissement"), max_length=160, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    provider = models.CharField(_("prestataire de paiement"), max_length=20)
    provider_payment_id = models.CharField(
        _("identifiant du paiement chez le prestataire"), max_length=80, blank=True
    )
    card_last4 = models.CharField(
        _("4 derniers chiffres de la carte"),
        max_length=4,
        blank=True,
        validators=[last4_validator],
    )
    created_at = models.DateTimeField(_("passée le"), default=timezone.now, editable=False)
    paid_at = models.DateTimeField(_("payée le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=~models.Q(provider_payment_id=""),
                name="payments_order_one_payment_id",
            ),
            # Nothing, or the card's last 4 digits and nothing else: the column cannot hold a
            # card number, nor anything written around 4 digits.
            models.CheckConstraint(
                condition=Q(card_last4="")
                | Q(Exact(Length("card_last4"), 4), Exact(_without_digits("card_last4"), "")),
                name="payments_order_last4_only",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="paid") | models.Q(paid_at__isnull=False),
                name="payments_order_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.PAID


class Subscription(PublicIdModel):
    """A period of access bought by one order. A renewal is a new period that follows the last.

    No card is kept, so nothing renews by itself: a renewal is a new purchase.
    """

    holder = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("titulaire"),
    )
    order = models.OneToOneField(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscription",
        verbose_name=_("commande"),
    )
    plan_code = models.CharField(_("formule"), max_length=40)
    audience = models.CharField(_("pour"), max_length=12, choices=Audience.choices)
    description = models.CharField(_("désignation"), max_length=200)
    organisation = models.CharField(_("établissement"), max_length=160, blank=True)
    seats = models.PositiveIntegerField(_("élèves couverts"), null=True, blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["-ends_at", "-pk"]
        indexes = [models.Index(fields=["holder", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="payments_subscription_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_code} {self.starts_at:%Y-%m-%d} -> {self.ends_at:%Y-%m-%d}"


class Invoice(PublicIdModel):
    """An invoice, kept ten years with only what an invoice must say (Code de commerce)."""

    number = models.CharField(_("numéro"), max_length=20, unique=True)
    order = models.OneToOneField(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoice",
        verbose_name=_("commande"),
    )
    buyer = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("client"),
    )
    issued_at = models.DateTimeField(_("émise le"), default=timezone.now)
    seller_name = models.CharField(_("vendeur"), max_length=160)
    seller_address = models.CharField(_("adresse du vendeur"), max_length=300)
    billing_name = models.CharField(_("nom du client"), max_length=160)
    billing_address = models.TextField(_("adresse du client"), max_length=500)
    organisation = models.CharField(_("établissement"), max_length=160, blank=True)
    description = models.CharField(_("désignation"), max_length=200)
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    net_cents = models.PositiveIntegerField(_("montant HT (centimes)"))
    vat_rate = models.DecimalField(_("taux de TVA (%)"), max_digits=4, decimal_places=2)
    vat_cents = models.PositiveIntegerField(_("TVA (centimes)"))
    total_cents = models.PositiveIntegerField(_("montant TTC (centimes)"))
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    paid_at = models.DateTimeField(_("acquittée le"))

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_cents=models.F("net_cents") + models.F("vat_cents")),
                name="payments_invoice_total_adds_up",
            )
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceSequence(models.Model):
    """The last invoice number given in a year: invoices are numbered without gaps."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    last_number = models.PositiveIntegerField(_("dernier numéro"), default=0)

    class Meta:
        verbose_name = _("numérotation des factures")
        verbose_name_plural = _("numérotations des factures")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class ProviderEvent(models.Model):
    """A webhook event the provider sent and we applied; its id is refused if it comes again."""

    provider = models.CharField(_("prestataire"), max_length=20)
    event_id = models.CharField(_("identifiant de l'événement"), max_length=80)
    event_type = models.CharField(_("type"), max_length=40)
    order = models.ForeignKey(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provider_events",
        verbose_name=_("commande"),
    )
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)

    class Meta:
        verbose_name = _("événement du prestataire de paiement")
        verbose_name_plural = _("événements du prestataire de paiement")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"
