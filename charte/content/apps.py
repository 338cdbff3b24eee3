from django.apps import AppConfig


class ContentConfig(AppConfig):
    """The civic-education catalogue: competencies, lessons and auto-corrected exercises.

    Holds no personal data: the catalogue is written by the publisher (in French, with English
    titles) and loaded from the files in `catalogue/` by `manage.py load_catalogue`, which the
    demo seeding also runs. Exercises are corrected here (`correction.py`); what a pupil answered
    and scored is kept by the results app.
    """

    name = "charte.content"
    label = "content"
    verbose_name = "Learning content"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.accounts.models import Role
        from charte.core import navigation

        navigation.add_menu(
            navigation.Link(
                label=_("Leçons et exercices"),
                url_name="content:catalogue",
                roles=frozenset({Role.TEACHER, Role.PARENT}),
                order=30,
            ),
            # Shorter for pupils, whose menu has the most entries.
            navigation.Link(
                label=_("Exercices"),
                url_name="content:catalogue",
                roles=frozenset({Role.PUPIL}),
                order=30,
            ),
        )
