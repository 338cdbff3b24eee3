from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The few pieces every app shares: actors, errors, public ids, demo seeding, the web shell.

    Holds no personal data of its own. It declares, in its privacy.py, the framework's models
    that we install (content types, permissions, task results), since those apps cannot.
    """

    name = "charte.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import pre_save

        from charte.core import quota, text

        checks.register(quota.check_every_upload_counts)
        pre_save.connect(text.clean_before_saving, dispatch_uid="charte.core.text")
