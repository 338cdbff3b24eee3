from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The journal: who did what to whose data, and security events (charter §6, Annex 1 row 2).

    Holds pseudonymous references to people (their public id, never their name), the event, a
    small structured payload, and for the events that need it the request's IP address and user
    agent. Kept one year at most under GDPR art. 5 and 32. Every action in every app writes here
    through `charte.audit.record`, inside its own transaction.
    """

    name = "charte.audit"
    label = "audit"
    verbose_name = "Journal"
