from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    """Work a teacher gives a class (or some of its pupils), and the productions pupils hand in.

    Holds each assignment (by its teacher: title, instructions, due date, the exercise, lesson
    or personal resource it uses), which pupils it is for when not the whole class, and each
    pupil's production: the text and files they handed in, when, and the teacher's feedback.
    Files are stored under random names. Purpose: assignments (the charter's "work assigned by
    teachers and work done by learners").
    """

    name = "charte.assignments"
    label = "assignments"
    verbose_name = "Assignments"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.accounts.models import Role
        from charte.assignments import receivers  # noqa: F401  (removes stored files with rows)
        from charte.assignments.models import ProductionFile
        from charte.assignments.queries import resource_shared_with
        from charte.core import navigation, quota
        from charte.resources.queries import add_share_rule
        from charte.schools.tabs import ClassTab, add_class_tabs

        navigation.add_menu(
            navigation.Link(
                label=_("Mes devoirs"),
                url_name="assignments:mine",
                roles=frozenset({Role.PUPIL}),
                order=10,
            ),
            navigation.Link(
                label=_("Devoirs de mes enfants"),
                url_name="assignments:mine",
                roles=frozenset({Role.PARENT}),
                order=20,
            ),
            navigation.Link(
                label=_("Travail donné"),
                url_name="assignments:mine",
                roles=frozenset({Role.TEACHER}),
                order=20,
            ),
        )
        add_class_tabs(
            ClassTab(
                label=_("Travail donné"),
                url_name="assignments:class_assignments",
                order=20,
                teachers_only=True,
            )
        )
        add_share_rule(resource_shared_with)
        quota.counts_towards_quota(ProductionFile, owner="production__pupil", size="size")
