"""The journal's vocabulary: the events this app and the sign-in write, and which carry an address.

Loads no model, so that any module may import it.

Minimisation: an entry carries the request's IP address and user agent only when its event is
declared here as needing them (security events, where they are what lets an intrusion be traced
back). `audit.record(meta=...)` refuses them for any other event. Another app whose event truly
needs them declares it in its `AppConfig.ready()` with `declare_connection_data(...)`, and says
why; the reason is shown in the register.
"""

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


def label(event: str) -> Text:
    if event in LABELS:
        return LABELS[event]
    if event.startswith(READ_PREFIX):
        return _("Consultation de données personnelles")
    return event
