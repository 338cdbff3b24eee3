from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    """Personal resources: the notes, links and files teachers and pupils keep, in folders.

    Holds what each person wrote or uploaded for themself, and the folders they sort it in.
    Only its owner sees a resource, unless a teacher gives it with an assignment: then the
    pupils it is given to (and their guardians) may open it. Uploaded files are stored under
    random names. Purpose: personal resources.
    """

    name = "charte.resources"
    label = "resources"
    verbose_name = "Personal resources"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.accounts.models import Role
        from charte.core import navigation, quota
        from charte.resources import receivers  # noqa: F401  (removes stored files with their rows)
        from charte.resources.models import Resource

        quota.counts_towards_quota(Resource, owner="owner", size="file_size")

        navigation.add_menu(
            navigation.Link(
                label=_("Mes ressources"),
                url_name="resources:list",
                roles=frozenset({Role.PUPIL, Role.TEACHER}),
                order=60,
            ),
        )
