"""The journal's vocabulary: the events this app and the sign-in write, and which carry an address.

Loads no model, so that any module may import it.

Minimisation: an entry carries the request's IP address and user agent only when its event is
declared here as needing them (security events, where they are what lets an intrusion be traced
back). `audit.record(meta=...)` refuses them for any other event. Another app whose event truly
needs them declares it in its `AppConfig.ready()` with `declare_connection_data(...)`, and says
why; the reason is shown in the register.
"""

from collections.abc import Callable, Mapping

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

type Text = str | Promise

# Security events (sign-in, recorded by charte.accounts).
LOGIN = "auth.login"
LOGIN_FAILED = "auth.login_failed"
LOGOUT = "auth.logout"
LOCKOUT = "auth.lockout"
LOGIN_BLOCKED = "auth.login_blocked"
# A password typed again by a signed-in person (to change it, to open a request about their
# data...): a failure counts as a sign-in failure, and a success as a sign-in's.
REENTRY = "auth.reentry"
REENTRY_FAILED = "auth.reentry_failed"
# What the watch counts as a failed attempt at a password.
PASSWORD_FAILURES = (LOGIN_FAILED, REENTRY_FAILED)
PASSWORD_CHANGE = "auth.password_change"  # noqa: S105  (an event's name)
PASSWORD_RESET = "auth.password_reset"  # noqa: S105
ROLE_CHANGED = "account.role_changed"
# Changing the sign-in address, and the sessions a change ends (charte.accounts).
EMAIL_CHANGE_REQUESTED = "auth.email_change_requested"
EMAIL_CHANGED = "auth.email_changed"
EMAIL_CHANGE_CANCELLED = "auth.email_change_cancelled"
SESSIONS_ENDED = "auth.sessions_ended"
# Sign-up: an address confirmed opens the account; an address already in use is told so.
SIGN_UP_REQUESTED = "auth.sign_up_requested"
SIGN_UP_CONFIRMED = "auth.sign_up_confirmed"
SIGN_UP_LINK_RESENT = "auth.sign_up_link_resent"
ACCESS_DENIED = "access.denied"
CSP_VIOLATION = "security.csp_violation"  # a browser blocked something on one of our pages

# The second factor and the person's devices (recorded by charte.second_factor and accounts).
SECOND_FACTOR_ADDED = "auth.second_factor_added"
SECOND_FACTOR_VERIFIED = "auth.second_factor_verified"
SECOND_FACTOR_FAILED = "auth.second_factor_failed"
SECOND_FACTOR_REMOVED = "auth.second_factor_removed"
SECOND_FACTOR_RESET = "auth.second_factor_reset"
RECOVERY_CODES_CREATED = "auth.recovery_codes_created"
RECOVERY_CODE_USED = "auth.recovery_code_used"
SESSION_ENDED = "auth.session_ended"

# Reads of someone's personal data: "read.<what>" (see `audit.record_read`).
READ_PREFIX = "read."
ARCHIVE_DOWNLOADED = "read.archive"

# Alerts raised by the watch (charte.audit.watch): "alert.<rule>".
ALERT_PREFIX = "alert."
ALERT_ACCOUNT_FAILURES = "alert.account_failures"
ALERT_ADDRESS_FAILURES = "alert.address_failures"
ALERT_STAFF_READS = "alert.staff_reads"
ALERT_ARCHIVE_NEW_ADDRESS = "alert.archive_new_address"
ALERT_PRIVILEGE_GRANTED = "alert.privilege_granted"
ALERT_JOURNAL_BROKEN = "alert.journal_broken"
ALERT_VULNERABLE_DEPENDENCY = "alert.vulnerable_dependency"
ALERT_ADVISORIES_UNREACHABLE = "alert.advisories_unreachable"

# The dependency audit (charte.audit.dependencies): the installed packages against advisories.
DEPENDENCIES_AUDITED = "security.dependencies_audited"
DEPENDENCY_AUDIT_INCOMPLETE = "security.dependency_audit_incomplete"

# The journal's own upkeep, and its readers.
SEALED = "journal.sealed"
PRUNED = "journal.pruned"
VERIFIED = "journal.verified"
SEARCHED = "journal.searched"
EXPORTED = "journal.exported"

LABELS: dict[str, Text] = {
    LOGIN: _("Connexion"),
    LOGIN_FAILED: _("Échec de connexion"),
    LOGOUT: _("Déconnexion"),
    LOCKOUT: _("Connexion ralentie après des échecs répétés"),
    LOGIN_BLOCKED: _("Tentative de connexion avant la fin du délai d'attente"),
    REENTRY: _("Mot de passe saisi à nouveau"),
    REENTRY_FAILED: _("Mot de passe saisi à nouveau : erroné"),
    PASSWORD_CHANGE: _("Mot de passe modifié"),
    PASSWORD_RESET: _("Mot de passe réinitialisé"),
    ROLE_CHANGED: _("Rôle modifié"),
    EMAIL_CHANGE_REQUESTED: _("Changement d'adresse e-mail demandé"),
    EMAIL_CHANGED: _("Adresse e-mail changée"),
    EMAIL_CHANGE_CANCELLED: _("Changement d'adresse e-mail annulé depuis l'ancienne adresse"),
    SESSIONS_ENDED: _("Sessions fermées sur les autres appareils"),
    SIGN_UP_REQUESTED: _("Inscription demandée"),
    SIGN_UP_CONFIRMED: _("Adresse confirmée, compte ouvert"),
    SIGN_UP_LINK_RESENT: _("Lien de confirmation de l'adresse renvoyé"),
    ACCESS_DENIED: _("Accès refusé"),
    CSP_VIOLATION: _("Contenu bloqué par la politique de sécurité du navigateur"),
    SECOND_FACTOR_ADDED: _("Second facteur ajouté"),
    SECOND_FACTOR_VERIFIED: _("Second facteur vérifié"),
    SECOND_FACTOR_FAILED: _("Code de second facteur refusé"),
    SECOND_FACTOR_REMOVED: _("Second facteur retiré"),
    SECOND_FACTOR_RESET: _("Second facteur réinitialisé par le service informatique ou le DPO"),
    RECOVERY_CODES_CREATED: _("Codes de secours créés"),
    RECOVERY_CODE_USED: _("Code de secours utilisé"),
    SESSION_ENDED: _("Session fermée à distance"),
    ARCHIVE_DOWNLOADED: _("Archive de données téléchargée"),
    ALERT_ACCOUNT_FAILURES: _("Alerte : échecs de connexion répétés sur un compte"),
    ALERT_ADDRESS_FAILURES: _("Alerte : échecs de connexion répétés depuis une adresse"),
    ALERT_STAFF_READS: _("Alerte : un compte interne consulte un nombre inhabituel de personnes"),
    ALERT_ARCHIVE_NEW_ADDRESS: _("Alerte : archive téléchargée depuis une nouvelle adresse"),
    ALERT_PRIVILEGE_GRANTED: _("Alerte : droits d'administration accordés"),
    ALERT_JOURNAL_BROKEN: _("Alerte : le journal ne se vérifie plus"),
    ALERT_VULNERABLE_DEPENDENCY: _("Alerte : vulnérabilité connue dans un composant installé"),
    ALERT_ADVISORIES_UNREACHABLE: _(
        "Alerte : le service des vulnérabilités ne répond plus depuis plus d'un jour"
    ),
    DEPENDENCIES_AUDITED: _("Composants installés vérifiés contre les vulnérabilités connues"),
    DEPENDENCY_AUDIT_INCOMPLETE: _(
        "Vérification des composants incomplète : certains n'ont pas pu être vérifiés"
    ),
    SEALED: _("Journal scellé"),
    PRUNED: _("Journal : jours de plus d'un an effacés"),
    VERIFIED: _("Journal vérifié"),
    SEARCHED: _("Recherche dans le journal"),
    EXPORTED: _("Export du journal"),
    "account.created": _("Compte créé"),
    "account.guardian_fields_changed": _(
        "Date de naissance ou pays corrigé (ce qui décide de l'accord d'un parent)"
    ),
}

# The events the other apps write, by app.
LABELS.update(
    {
        "account.activated": _("Compte activé"),
        "account.deactivated": _("Compte désactivé"),
        "account.rectified": _("Compte rectifié"),
        "account.renamed": _("Nom du compte modifié"),
        "assignments.draft_saved": _("Brouillon d'un rendu enregistré"),
        "assignments.created": _("Devoir donné"),
        "assignments.deleted": _("Devoir supprimé"),
        "assignments.feedback_changed": _("Appréciation modifiée"),
        "assignments.feedback_given": _("Appréciation donnée"),
        "assignments.file_removed": _("Fichier d'un rendu retiré"),
        "assignments.handed_in": _("Devoir rendu"),
        "assignments.production_updated": _("Rendu modifié"),
        "audience.removed": _("Mesure d'audience effacée"),
        "charter.published": _("Nouvelle version de la charte publiée"),
        "charter.told": _("Personne informée de la nouvelle charte"),
        "consent.api_client_created": _("Accès à l'API des consentements créé"),
        "consent.api_client_revoked": _("Accès à l'API des consentements révoqué"),
        "consent.unconfirmed_sign_up_erased": _("Inscription non confirmée effacée"),
        "consent.withdrawn_account_erased": _("Compte effacé après retrait du consentement"),
        "consent.parental_checks_viewed": _("Preuves de l'accord parental consultées"),
        "demo.learning_events": _("Démonstration : traces d'apprentissage créées"),
        "security.contact_details_refused": _("Coordonnées refusées dans un texte"),
        "cookies.choice_recorded": _("Choix sur les cookies enregistré"),
        "demo.attempts_generated": _("Démonstration : exercices générés"),
        "demo.pupils_enrolled": _("Démonstration : élèves inscrits dans des classes"),
        "demo.pupils_generated": _("Démonstration : élèves créés"),
        "families.invitation_accepted": _("Invitation d'un parent acceptée"),
        "families.invitation_cancelled": _("Invitation d'un parent annulée"),
        "families.invitation_refused": _("Invitation d'un parent refusée"),
        "families.invitation_resent": _("Invitation d'un parent renvoyée"),
        "families.invitation_sent": _("Invitation envoyée à un parent"),
        "families.invitations_expired": _("Invitations expirées"),
        "families.letter_code_refused": _("Code de la lettre aux parents refusé"),
        "families.letter_issued": _("Lettre aux parents émise"),
        "families.pending_child_erased": _("Enfant en attente effacé"),
        "families.unconfirmed_child_erased": _("Enfant sans accord effacé"),
        "families.weekly_progress_sent": _("Point de la semaine envoyé aux parents"),
        "guardianship.confirmed": _("Lien parent-enfant confirmé"),
        "guardianship.ended": _("Lien parent-enfant terminé"),
        "guardianship.proposed": _("Lien parent-enfant proposé"),
        "invoice.issued": _("Facture émise"),
        "learning.events_imported": _("Traces d'apprentissage importées"),
        "learning.excluded": _("Exclu des statistiques d'apprentissage"),
        "learning.included": _("Inclus dans les statistiques d'apprentissage"),
        "mailings.created": _("Envoi groupé créé"),
        "mailings.proof_sent": _("Épreuve d'un envoi groupé envoyée"),
        "mailings.queued": _("Envoi groupé programmé"),
        "mailings.sending_started": _("Envoi groupé commencé"),
        "mailings.updated": _("Envoi groupé modifié"),
        "notification.failed": _("E-mail non remis (nouvel essai prévu)"),
        "notification.queued": _("E-mail mis en attente d'envoi"),
        "notification.refused": _("E-mail refusé par le serveur du destinataire"),
        "notification.sent": _("E-mail envoyé"),
        "notification.unreachable": _("Personne injoignable par e-mail"),
        "order.cancelled": _("Commande annulée"),
        "order.paid": _("Commande payée"),
        "order.placed": _("Commande passée"),
        "payments.webhook_rejected": _("Message du prestataire de paiement refusé"),
        "privacy.erased": _("Données effacées"),
        "privacy.erasure_started": _("Effacement des données commencé"),
        "recipients.authority_request": _("Demande d'une autorité enregistrée"),
        "recipients.notice_confirmed": _("Notification à un destinataire confirmée"),
        "recipients.notice_failed": _("Notification à un destinataire échouée"),
        "recipients.notice_overdue": _("Notification à un destinataire en retard"),
        "recipients.notice_sent": _("Notification envoyée à un destinataire"),
        "recipients.notice_waived": _("Notification à un destinataire abandonnée, avec motif"),
        "recipients.notices_queued": _("Notifications aux destinataires programmées"),
        "recipients.refused": _("Transmission de données refusée"),
        "recipients.shared": _("Données transmises à un destinataire"),
        "resources.created": _("Ressource ajoutée"),
        "resources.deleted": _("Ressource supprimée"),
        "resources.folder_created": _("Dossier créé"),
        "resources.folder_deleted": _("Dossier supprimé"),
        "resources.folder_renamed": _("Dossier renommé"),
        "resources.updated": _("Ressource modifiée"),
        "results.attempt_recorded": _("Exercice fait"),
        "retention.forecast_stored": _("Prévision de conservation calculée pour le DPO"),
        "retention.hold_lifted": _("Gel de suppression levé"),
        "retention.hold_placed": _("Gel de suppression posé"),
        "retention.renewed": _("Durée de conservation renouvelée"),
        "retention.rule_swept": _("Données arrivées à échéance effacées pour une règle"),
        "retention.swept": _("Données arrivées à échéance effacées"),
        "schools.class_archived": _("Classe archivée"),
        "schools.class_continues": _("Classe reconduite"),
        "schools.class_created": _("Classe créée"),
        "schools.join_code_closed": _("Code d'accès à la classe fermé"),
        "schools.join_code_renewed": _("Code d'accès à la classe renouvelé"),
        "schools.join_refused": _("Entrée dans une classe refusée"),
        "schools.login_cards_printed": _("Cartes de connexion imprimées"),
        "schools.member_added": _("Membre ajouté à l'établissement"),
        "schools.parent_letters_printed": _("Lettres aux parents imprimées"),
        "schools.pupil_created": _("Élève créé par l'établissement"),
        "schools.pupil_enrolled": _("Élève inscrit dans une classe"),
        "schools.pupil_password_reset": _("Mot de passe d'un élève réinitialisé"),
        "schools.pupil_removed": _("Élève retiré d'une classe"),
        "schools.pupils_imported": _("Liste d'élèves importée"),
        "schools.school_created": _("Établissement créé"),
        "schools.teacher_added": _("Enseignant ajouté à l'établissement"),
        "security.card_number_refused": _("Numéro de carte bancaire refusé dans un texte"),
        "reports.class_print_started": _("Impression des rapports d'une classe demandée"),
        "reports.class_print_ready": _("Rapports d'une classe prêts à imprimer"),
        "reports.class_print_failed": _("Impression des rapports d'une classe abandonnée"),
        "reports.class_print_downloaded": _("Rapports d'une classe téléchargés"),
        "statistics.refreshed": _("Statistiques recalculées"),
        "statistics.released": _("Statistiques publiées"),
        "subject_request.archive_built": _("Archive de données préparée"),
        "subject_request.archive_code_refused": _("Code de l'archive refusé"),
        "subject_request.archive_code_sent": _("Code de l'archive envoyé"),
        "subject_request.archive_downloaded": _("Archive téléchargée par un proche"),
        "subject_request.archive_expired": _("Archive expirée et effacée"),
        "subject_request.archive_link_sent": _("Lien de l'archive envoyé"),
        "subject_request.assigned": _("Demande confiée à un membre de l'équipe"),
        "subject_request.claim_filed": _("Demande d'un proche déposée"),
        "subject_request.closed": _("Demande close"),
        "subject_request.death_recorded": _("Décès enregistré"),
        "subject_request.decided": _("Décision prise sur une demande"),
        "subject_request.directive_recorded": _("Directive pour après le décès enregistrée"),
        "subject_request.directive_withdrawn": _("Directive pour après le décès retirée"),
        "subject_request.erasure_verified": _("Effacement vérifié"),
        "subject_request.extended": _("Délai de réponse prolongé"),
        "subject_request.identity_failed": _("Identité non établie"),
        "subject_request.identity_verified": _("Identité vérifiée"),
        "subject_request.note_added": _("Note de suivi ajoutée"),
        "subject_request.opened": _("Demande sur les données ouverte"),
        "subject_request.queue_exported": _("File des demandes exportée"),
        "subject_request.rectified": _("Données rectifiées à la demande de la personne"),
        "subject_request.reminded": _("Rappel envoyé au DPO"),
        "subscription.started": _("Abonnement commencé"),
        "support.report_answered": _("Réponse à un signalement envoyée"),
        "support.report_assigned": _("Signalement confié"),
        "support.report_closed": _("Signalement clos"),
        "support.report_received": _("Signalement reçu"),
        "support.report_reopened": _("Signalement rouvert"),
    }
)

# The details an entry carries, by key: their names in words.
DETAIL_LABELS: dict[str, Text] = {
    "action": _("action"),
    "address_in_use": _("adresse déjà utilisée"),
    "after_days": _("après (jours)"),
    "already_there": _("déjà présents"),
    "amount_cents": _("montant"),
    "answer": _("réponse"),
    "answers": _("réponses"),
    "as_of": _("à la date du"),
    "assignee": _("confiée à"),
    "assignment": _("devoir"),
    "attempt": _("exercice fait"),
    "attempts": _("exercices faits"),
    "by": _("par"),
    "categories": _("catégories"),
    "changes": _("modifications"),
    "channel": _("canal"),
    "charter_version": _("version de la charte"),
    "claim": _("demande d'un proche"),
    "children": _("enfants"),
    "class": _("classe"),
    "classes": _("classes"),
    "client": _("client"),
    "confirmed": _("confirmé"),
    "count": _("nombre"),
    "created": _("créés"),
    "days": _("jours"),
    "disclosure": _("transmission"),
    "ends_at": _("fin"),
    "enrolment": _("inscription"),
    "entries": _("entrées"),
    "events": _("événements"),
    "exercise": _("exercice"),
    "factors": _("facteurs"),
    "failures": _("échecs"),
    "field": _("champ"),
    "fields": _("champs"),
    "file": _("fichier"),
    "files": _("fichiers"),
    "finished": _("terminé"),
    "first_day": _("premier jour"),
    "first_seq": _("premier numéro"),
    "folder": _("dossier"),
    "from": _("de"),
    "gpc": _("signal Global Privacy Control"),
    "guardianship": _("lien parent-enfant"),
    "held": _("gelé"),
    "hold": _("gel de suppression"),
    "invitation": _("invitation"),
    "invoice": _("facture"),
    "kept_current": _("conservés (en cours)"),
    "kept_until": _("conservé jusqu'au"),
    "kind": _("type"),
    "known_networks": _("réseaux connus"),
    "last_day": _("dernier jour"),
    "late": _("en retard"),
    "left": _("restants"),
    "left_class": _("classe quittée"),
    "limitation": _("limitation"),
    "lock": _("verrou"),
    "mailing": _("envoi groupé"),
    "matched": _("correspondances"),
    "material": _("support"),
    "message": _("message"),
    "messages": _("messages"),
    "method": _("moyen"),
    "minutes": _("minutes"),
    "moved": _("déplacés"),
    "new_file": _("nouveau fichier"),
    "notice_kind": _("type de notification"),
    "notices": _("notifications"),
    "number": _("numéro"),
    "on_behalf": _("pour le compte de"),
    "order": _("commande"),
    "overdue": _("en retard"),
    "page_views": _("pages vues"),
    "passkey": _("clé d'accès"),
    "path": _("chemin"),
    "people": _("personnes"),
    "period": _("période"),
    "plan": _("formule"),
    "print": _("impression"),
    "problems": _("problèmes"),
    "production": _("rendu"),
    "provider": _("prestataire"),
    "pseudonyms": _("pseudonymes"),
    "pupils": _("élèves"),
    "purpose": _("finalité"),
    "purposes_asked_again": _("finalités redemandées"),
    "reason": _("motif"),
    "recipient": _("destinataire"),
    "recipients": _("destinataires"),
    "record": _("enregistrement"),
    "relation": _("lien"),
    "renewal": _("renouvellement"),
    "renewed": _("renouvelé"),
    "replaced": _("remplacé"),
    "report": _("signalement"),
    "request": _("demande"),
    "requests": _("demandes"),
    "resource": _("ressource"),
    "restored": _("rétabli"),
    "role": _("rôle"),
    "rows": _("lignes"),
    "rules": _("règles"),
    "school": _("établissement"),
    "scope": _("portée"),
    "score": _("score"),
    "seal": _("sceau"),
    "sent_to": _("envoyé à"),
    "service": _("service"),
    "sessions_ended": _("sessions fermées"),
    "since": _("depuis"),
    "source": _("source"),
    "staff": _("personnel"),
    "starts_at": _("début"),
    "status": _("statut"),
    "subscription": _("abonnement"),
    "summary": _("résumé"),
    "to": _("vers"),
    "today": _("aujourd'hui"),
    "tries": _("essais"),
    "triggered_by": _("déclenché par"),
    "usual": _("habituel"),
    "version": _("version"),
    "via_guardian": _("par un parent"),
    "view": _("vue"),
    "waits_for_parent": _("attend un parent"),
    "week": _("semaine"),
    "with_address": _("avec adresse"),
}

# What each system actor is (charte.core.actors, and this app's own).
SYSTEM_ACTORS: dict[str, Text] = {
    "system:anonymous": _("Visiteur non connecté"),
    "system:watch": _("Surveillance du journal"),
    "system:journal": _("Tenue du journal"),
    "system:retention": _("Effacement à échéance"),
    "system:scheduler": _("Tâche planifiée"),
    "system:worker": _("Tâche d'arrière-plan"),
    "system:seed": _("Données de démonstration"),
    "system:dependency_audit": _("Vérification des composants installés"),
}

# Event (or prefix ending with ".") -> why it needs the request's IP address and user agent.
_CONNECTION_DATA: dict[str, Text] = {
    "auth.": _(
        "connexions, échecs de connexion, déconnexions, blocages et changements de mot de "
        "passe : pour retracer une tentative d'intrusion"
    ),
    ACCESS_DENIED: _("accès refusés : pour repérer qui cherche à voir ce qui ne le concerne pas"),
    ROLE_CHANGED: _("changements de rôle : pour savoir d'où des droits ont été accordés"),
    ARCHIVE_DOWNLOADED: _(
        "téléchargements d'une archive de données : pour détecter un téléchargement depuis une "
        "adresse inhabituelle"
    ),
    ALERT_PREFIX: _("alertes : l'adresse qui a déclenché l'alerte"),
}


def declare_connection_data(event: str, *, reason: Text) -> None:
    """Let `event` (or every event starting with `event` if it ends with ".") carry IP and UA."""
    _CONNECTION_DATA[event] = reason


def carries_connection_data(event: str) -> bool:
    if event in _CONNECTION_DATA:
        return True
    return any(p.endswith(".") and event.startswith(p) for p in _CONNECTION_DATA)


def connection_data_events() -> dict[str, Text]:
    """Which events carry the IP address and user agent, and why (shown in the register)."""
    return dict(_CONNECTION_DATA)


# The values a detail may hold that are codes ("newsletter", "email_link", "teacher"): their
# words, by key. Each app declares the codes it writes, in its `AppConfig.ready()`, with
# `declare_values` (this app loads no model and knows no register). Two apps may declare the
# same key: their codes are merged, a code never meaning two things under one key.
_VALUE_LABELS: dict[str, dict[str, Text]] = {}
# The same codes as a guardian reads them about their child ("child") and as a pupil reads
# them about themself ("pupil", in "tu"), where their words differ (a purpose's name).
_VOICED_LABELS: dict[tuple[str, str], dict[str, Text]] = {}


def declare_values(
    key: str,
    labels: Mapping[str, Text],
    *,
    child: Mapping[str, Text] | None = None,
    pupil: Mapping[str, Text] | None = None,
) -> None:
    """Name in words the codes a detail `key` may hold; `child` and `pupil`: the words a
    guardian reads about their child, and a pupil about themself, where they differ."""
    _VALUE_LABELS.setdefault(key, {}).update(labels)
    _VOICED_LABELS.setdefault(("child", key), {}).update(child or {})
    _VOICED_LABELS.setdefault(("pupil", key), {}).update(pupil or {})


def value_labels(key: str) -> dict[str, Text]:
    return dict(_VALUE_LABELS.get(key, {}))


# Codes named by a registry that fills up as the apps start (the message kinds, which each app
# registers in its own `ready()`): a function from a code to its words (None when it does not
# know the code), asked when an entry is read. Declared with `declare_namer`.
_VALUE_NAMERS: dict[str, list[Callable[[str], Text | None]]] = {}


def declare_namer(key: str, namer: Callable[[str], Text | None]) -> None:
    """Name in words, when read, the codes a detail `key` may hold."""
    _VALUE_NAMERS.setdefault(key, []).append(namer)


def value_label(key: str, value: str, *, child: bool = False, pupil: bool = False) -> Text | None:
    """The words of a detail's code (as a guardian reads it about their `child`, or as a
    `pupil` reads it about themself), None when nobody declared it."""
    voice = "child" if child else "pupil" if pupil else ""
    if voice and value in _VOICED_LABELS.get((voice, key), {}):
        return _VOICED_LABELS[(voice, key)][value]
    if value in _VALUE_LABELS.get(key, {}):
        return _VALUE_LABELS[key][value]
    for namer in _VALUE_NAMERS.get(key, []):
        if (label := namer(value)) is not None:
            return label
    return None


def detail_label(key: str) -> Text:
    """A detail's name in words (its key when none is declared)."""
    return DETAIL_LABELS.get(key, key.replace("_", " "))


def _detail_text(key: str, value: object, voice: dict[str, bool]) -> str:
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if key.endswith("amount_cents") and isinstance(value, int):
        return formats.number_format(value / 100, 2, use_l10n=True) + " €"
    if isinstance(value, list):
        return ", ".join(_detail_text(key, v, voice) for v in value) or "—"
    if isinstance(value, dict):
        return " ; ".join(
            f"{detail_label(k)} : {_detail_text(k, v, voice)}" for k, v in value.items()
        )
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and (label := value_label(key, value, **voice)) is not None:
        return str(label)
    return str(value)


def details(
    data: dict[str, object], *, child: bool = False, pupil: bool = False
) -> list[tuple[str, str]]:
    """An entry's details as (name in words, value in words), in the order they were written:
    amounts in euros, yes and no, lists joined; codes in the words a guardian reads about
    their `child`, or a `pupil` about themself, where they have some."""
    voice = {"child": child, "pupil": pupil}
    return [(str(detail_label(k)), _detail_text(k, v, voice)) for k, v in data.items()]


def label(event: str) -> Text:
    if event in LABELS:
        return LABELS[event]
    if event.startswith(READ_PREFIX):
        return _("Consultation de données personnelles")
    return event
