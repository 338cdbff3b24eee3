from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People's accounts, their sign-in and their sessions.

    Holds each user's name, email address or username, password hash, role, date of birth
    (pupils: needed to know whether a guardian must consent), country (which sets that age),
    optional phone number, language, and the times of their last click, sign-in and order
    (charter: "last activity"). Sessions are tied to their user so that they can be ended and
    erased by person. Purposes: the platform account (Annex 1 row 1), and for staff accounts
    the running and security of the service.
    """

    name = "charte.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from charte.accounts import receivers  # noqa: F401  (connects auth signals to the journal)
