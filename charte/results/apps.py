from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """What each pupil answered to each exercise, their scores, and their level per competency.

    Holds every attempt a pupil makes at an exercise: the answers they gave, the score the
    automatic correction gave them, and when. From these, and only these, it computes (never
    stores) the success rate per exercise and the level of acquisition per competency, by the
    rule documented in `levels.py`, and shows them to the pupil, to their confirmed guardians
    and to their current teachers. Every look at a pupil's results by someone else is
    journalled. Purpose: evaluation (and the coach, which reads the same attempts).
    """

    name = "charte.results"
    label = "results"
    verbose_name = "Results"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.accounts.models import Role
        from charte.core import navigation
        from charte.schools.tabs import ClassTab, add_class_tabs

        navigation.add_menu(
            navigation.Link(
                label=_("Ma progression"),
                url_name="results:mine",
                roles=frozenset({Role.PUPIL}),
                order=20,
            ),
            navigation.Link(
                label=_("Suivi de mes enfants"),
                url_name="results:mine",
                roles=frozenset({Role.PARENT}),
                order=10,
            ),
        )
        add_class_tabs(
            ClassTab(
                label=_("Résultats"),
                url_name="results:class_results",
                order=30,
                teachers_only=True,
            )
        )
