"""The emails the platform sends, as the charter states them: which are part of the service
(essential: no consent, no unsubscribe link) and which rest on a consent (each with its
one-click unsubscribe link). The message kinds the apps register must agree, kind by kind
(tests/privacy/test_emails_register.py walks them)."""

from django.utils.translation import gettext_lazy as _

from charte.privacy.register.vocabulary import Email

EMAILS: tuple[Email, ...] = (
    # Your account.
    Email(code="accounts.sign_up_confirm", name=_("Le lien qui confirme votre inscription")),
    Email(code="accounts.welcome", name=_("La bienvenue, une fois votre compte ouvert")),
    Email(
        code="accounts.address_in_use",
        name=_("L'avis qu'une inscription a été tentée avec votre adresse"),
    ),
    Email(code="accounts.password_reset", name=_("Le lien pour choisir un nouveau mot de passe")),
    Email(
        code="accounts.email_change_confirm",
        name=_("Le lien qui confirme une nouvelle adresse e-mail"),
    ),
    Email(
        code="accounts.email_change_requested",
        name=_("L'avis, à l'ancienne adresse, d'un changement d'adresse, avec son annulation"),
    ),
    Email(code="accounts.email_changed", name=_("L'avis qu'une adresse e-mail a changé")),
    Email(
        code="second_factor.changed", name=_("L'avis qu'une vérification en deux étapes a changé")
    ),
    Email(
        code="account.guardian_fields_changed",
        name=_("L'avis aux parents d'un changement de l'âge ou du pays de leur enfant"),
    ),
    # Families.
    Email(
        code="families.guardian_invitation",
        name=_("L'invitation d'un parent à rejoindre le compte de son enfant"),
    ),
    Email(
        code="families.consent_invitation",
        name=_("La demande de consentement d'un parent pour son enfant"),
    ),
    # Orders.
    Email(code="payments.order_confirmed", name=_("La confirmation d'une commande")),
    Email(code="payments.invoice", name=_("Une facture")),
    # Your rights and your data.
    *(
        Email(code=f"subject_requests.{code}", name=name)
        for code, name in (
            ("received", _("L'accusé de réception d'une demande sur vos données")),
            ("extended", _("L'avis que le délai de réponse à une demande est prolongé")),
            ("answered", _("La réponse à une demande sur vos données")),
            ("erasure_accepted", _("L'avis qu'un effacement demandé commence")),
            ("restriction_lifted", _("L'avis qu'une limitation est levée")),
            ("claim_received", _("L'accusé de réception d'une démarche après un décès")),
            ("claim_update", _("Les nouvelles d'une démarche après un décès")),
            ("claim_answered", _("La réponse à une démarche après un décès")),
            ("claim_code", _("Le code qui ouvre une archive après un décès")),
            ("dpo_reminder", _("Le rappel au délégué d'une demande bientôt due")),
        )
    ),
    Email(
        code="retention.expiry_notice",
        name=_("L'avis, avant leur effacement, que vos données arrivent à leur terme"),
    ),
    Email(code="consent.charter_changed", name=_("L'avis d'un changement de cette charte")),
    Email(code="support.answer", name=_("La réponse à un signalement d'erreur")),
    Email(
        code="recipients.notice",
        name=_(
            "L'avis à un destinataire de vos données d'un effacement, d'une correction ou d'une limitation"
        ),
    ),
    Email(code="audit.alert", name=_("Une alerte de sécurité, aux équipes concernées")),
    Email(code="mailings.proof", name=_("L'épreuve qu'un rédacteur s'envoie avant un envoi")),
    # Only with your consent.
    Email(
        code="mailings.newsletter",
        name=_("Notre lettre d'information"),
        consent_purpose="newsletter",
    ),
    Email(
        code="families.weekly_progress",
        name=_("Les nouvelles de la semaine de votre enfant (exercices, réussite, travail rendu)"),
        consent_purpose="family_progress",
    ),
    Email(
        code="mailings.review_invitation",
        name=_("Nos invitations à donner votre avis sur la plateforme"),
        consent_purpose="reviews",
    ),
)

EMAIL_BY_CODE = {e.code: e for e in EMAILS}
