from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """Each platform role's home page: the panels a pupil, a parent, a teacher and school staff
    see first.

    Holds no data of its own: it composes what the schools, results, assignments and coach
    apps already decided the person may see, through their queries and access rules.
    """

    name = "charte.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from charte.accounts.models import PLATFORM_ROLES, Role
        from charte.core.navigation import Panel, add_panels
        from charte.dashboards import panels

        pupil, parent = frozenset({Role.PUPIL}), frozenset({Role.PARENT})
        teacher, staff = frozenset({Role.TEACHER}), frozenset({Role.SCHOOL_STAFF})
        add_panels(
            Panel(
                template="dashboards/panels/styles.html",
                roles=frozenset(PLATFORM_ROLES),
                context=lambda user: {},
                order=0,
            ),
            Panel(
                template="dashboards/panels/pupil_class.html",
                roles=pupil,
                context=panels.pupil_class,
                order=5,
            ),
            Panel(
                template="dashboards/panels/pupil_next.html",
                roles=pupil,
                context=panels.pupil_next,
                order=10,
            ),
            Panel(
                template="dashboards/panels/pupil_work.html",
                roles=pupil,
                context=panels.pupil_work,
                order=20,
            ),
            Panel(
                template="dashboards/panels/pupil_progress.html",
                roles=pupil,
                context=panels.pupil_progress,
                order=30,
            ),
            Panel(
                template="dashboards/panels/teacher_classes.html",
                roles=teacher,
                context=panels.teacher_classes,
                order=10,
            ),
            Panel(
                template="dashboards/panels/teacher_work.html",
                roles=teacher,
                context=panels.teacher_work,
                order=20,
            ),
            Panel(
                template="dashboards/panels/staff_school.html",
                roles=staff,
                context=panels.staff_school,
                order=10,
            ),
            Panel(
                template="dashboards/panels/parent_children.html",
                roles=parent,
                context=panels.parent_children,
                order=10,
            ),
        )
