from django.apps import AppConfig


class CoachConfig(AppConfig):
    """The coach: what each pupil could work on next, from their results, and why.

    Stores no suggestion, no profile and no record at all: suggestions are computed when asked,
    from the attempts the results app keeps, and only while `processing.allowed(pupil,
    "coach")` says so (consent, a guardian's for a child; no objection; no restriction). Its
    one-click "stop" files an objection with the rights engine, where it is shown and withdrawn
    like any other; meanwhile the coach shows that pupil exactly what it shows a visitor.
    Purpose: the coach (separable: objecting to it leaves every other service as it was).
    """

    name = "charte.coach"
    label = "coach"
    verbose_name = "Coach"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.accounts.models import Role
        from charte.coach.sections import privacy_section
        from charte.core import navigation

        navigation.add_menu(
            navigation.Link(
                label=_("Mon coach"),
                url_name="coach:next",
                roles=frozenset({Role.PUPIL}),
                order=5,
            ),
        )
        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="coach/sections/objection.html", context=privacy_section, order=40
            )
        )
