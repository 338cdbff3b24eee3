"""The register's recipients: who receives personal data, inside or outside the operator, with
what safeguards, and how each is told of an erasure, a rectification or a restriction (GDPR
art. 19). Part of the register's facts (`data`), kept apart for its length.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from charte.privacy.register.data import PURPOSES
from charte.privacy.register.vocabulary import (
    Category,
    NoticeKind,
    Notices,
    Reach,
    Recipient,
    RecipientKind,
    Safeguard,
)

# Why a recipient is not told of an erasure, a rectification or a restriction (GDPR art. 19).
OURSELVES = _(
    "Un de nos services : l'effacement, la correction ou la limitation s'appliquent directement "
    "à nos propres données."
)
HOSTED = _(
    "Héberge notre base de données : ce qui y est effacé, corrigé ou limité l'est chez lui du même "
    "coup."
)
BACKUPS = _(
    "Garde des copies chiffrées de notre base, remplacées au fil des sauvegardes : une donnée "
    "effacée disparaît des sauvegardes à leur renouvellement, et n'est jamais restaurée."
)
SOCIAL = _(
    "Reçoit des données de navigation directement de votre navigateur quand vous partagez une "
    "page : nous ne lui transmettons rien que nous puissions lui désigner (RGPD art. 19 : effort "
    "disproportionné)."
)
AUTHORITIES = _(
    "N'est jamais informé d'une demande d'une personne, sauf si la loi l'exige : ce qu'une "
    "autorité a reçu sur réquisition relève de la procédure qui l'a demandé."
)

RECIPIENTS: tuple[Recipient, ...] = (
    Recipient(
        code="customer_service",
        name=_("Notre service client"),
        kind=RecipientKind.INTERNAL_SERVICE,
        categories=(Category.IDENTITY, Category.CONTACT, Category.ACCOUNT, Category.MESSAGES),
        purposes=("account", "error_reports", "orders", "subject_requests"),
        country="FR",
        not_told=OURSELVES,
    ),
    Recipient(
        code="marketing",
        name=_("Notre service marketing"),
        kind=RecipientKind.INTERNAL_SERVICE,
        categories=(Category.IDENTITY, Category.CONTACT, Category.CONSENT),
        purposes=("newsletter", "partner_offers", "reviews"),
        country="FR",
        not_told=OURSELVES,
    ),
    Recipient(
        code="sales",
        name=_("Notre service commercial"),
        kind=RecipientKind.INTERNAL_SERVICE,
        categories=(Category.IDENTITY, Category.CONTACT, Category.SCHOOLING),
        purposes=("orders",),
        country="FR",
        not_told=OURSELVES,
    ),
    Recipient(
        code="accounting",
        name=_("Notre service comptabilité"),
        kind=RecipientKind.INTERNAL_SERVICE,
        categories=(Category.IDENTITY, Category.CONTACT, Category.ORDERS),
        purposes=("orders", "invoicing", "debt_collection"),
        country="FR",
        not_told=OURSELVES,
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
        not_told=OURSELVES,
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
        not_told=OURSELVES,
    ),
    Recipient(
        code="hosting",
        name=_("Notre hébergeur"),
        kind=RecipientKind.PROCESSOR,
        categories=tuple(Category),
        purposes=tuple(p.code for p in PURPOSES if p.processing != "recruitment"),
        country="FR",
        not_told=HOSTED,
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
            "family_progress",
            "security_journal",
            "subject_requests",
            "consent_proof",
        ),
        country="FR",
        notices=Notices(reach=Reach.API, contact="privacy@emailing.example"),
    ),
    Recipient(
        code="backup_storage",
        name=_("Notre stockage de sauvegardes chiffrées"),
        kind=RecipientKind.SUB_PROCESSOR,
        categories=tuple(Category),
        purposes=tuple(p.code for p in PURPOSES if p.processing != "recruitment"),
        country="DE",
        not_told=BACKUPS,
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
        notices=Notices(
            reach=Reach.EMAIL,
            contact="privacy@uptime.example",
            kinds=(NoticeKind.ERASE, NoticeKind.STOP, NoticeKind.RESUME),
        ),
    ),
    Recipient(
        code="payment_provider",
        name=_("Notre prestataire de paiement"),
        kind=RecipientKind.PAYMENT_PROVIDER,
        categories=(Category.IDENTITY, Category.CONTACT, Category.ORDERS),
        purposes=("orders",),
        country="FR",
        notices=Notices(
            reach=Reach.API,
            contact="dpo@paiement.example",
            keeps=("payment_id", "card_last4"),
            keeps_reason=_(
                "L'identifiant du paiement et les 4 derniers chiffres de la carte restent chez le "
                "prestataire, que la loi oblige à garder la trace des opérations de paiement "
                "(Code monétaire et financier, art. L561-12 : 5 ans)."
            ),
        ),
    ),
    Recipient(
        code="partner_publisher",
        name=_("Nos éditeurs partenaires"),
        kind=RecipientKind.PARTNER,
        categories=(Category.IDENTITY, Category.CONTACT),
        purposes=("partner_offers",),
        country="FR",
        consent_purpose="partner_offers",
        notices=Notices(reach=Reach.EMAIL, contact="donnees@editeurs-partenaires.example"),
    ),
    Recipient(
        code="job_application_partner",
        name=_("Notre partenaire de gestion des candidatures"),
        kind=RecipientKind.JOB_APPLICATION_PARTNER,
        categories=(Category.IDENTITY, Category.CONTACT, Category.MESSAGES),
        purposes=("job_applications",),
        country="FR",
        notices=Notices(reach=Reach.EMAIL, contact="rgpd@candidatures.example"),
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
        not_told=SOCIAL,
    ),
    Recipient(
        code="public_authority",
        name=_("Les organismes publics et auxiliaires de justice"),
        kind=RecipientKind.PUBLIC_AUTHORITY,
        categories=tuple(c for c in Category if c != Category.CREDENTIALS),
        purposes=("authority_requests",),
        country="FR",
        not_told=AUTHORITIES,
    ),
    Recipient(
        code="debt_collector",
        name=_("Notre organisme de recouvrement"),
        kind=RecipientKind.DEBT_COLLECTOR,
        categories=(Category.IDENTITY, Category.CONTACT, Category.ORDERS),
        purposes=("debt_collection",),
        country="FR",
        notices=Notices(reach=Reach.EMAIL, contact="dpo@recouvrement.example"),
    ),
)

RECIPIENT_BY_CODE = {r.code: r for r in RECIPIENTS}
