from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    """Schools, school years, classes, who teaches them and which pupils are in them.

    Holds who belongs to a school (its staff and teachers), who teaches each class, and each
    pupil's placement in a class, with its history: a pupil who changes class keeps the record
    of the former one, and their results follow them. Placement is by a class code that the
    pupil (or their guardian) types, or by the school's staff. Purpose: groups (the charter's
    "students placed in schools and classes"), which also decides which teachers may see a
    pupil's work and results.

    Teachers and staff also bring pupils in from the school's list (one by one or a CSV file):
    such an account holds what the school provided and a username, plus whether the pupil has
    replaced the password printed on their login card (`PupilLogin`). Under 15 it stays closed
    until a parent consents with the code of the letter the school prints (in families).
    """

    name = "charte.schools"
    label = "schools"
    verbose_name = "Schools and classes"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.accounts import signin
        from charte.accounts.models import Role
        from charte.core import navigation
        from charte.schools.views import sign_in_step

        signin.register(sign_in_step)

        navigation.add_menu(
            navigation.Link(
                label=_("Mes classes"),
                url_name="schools:classes",
                roles=frozenset({Role.TEACHER}),
                order=10,
            ),
            navigation.Link(
                label=_("Mon établissement"),
                url_name="schools:my_school",
                roles=frozenset({Role.SCHOOL_STAFF}),
                order=10,
            ),
        )
        from charte.schools.tabs import ClassTab, add_class_tabs

        add_class_tabs(
            ClassTab(label=_("Élèves"), url_name="schools:class_detail", order=10),
        )
