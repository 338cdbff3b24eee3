from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CookiesConfig(AppConfig):
    """Cookie and tracker consent: the banner, the cookies page, and the proof of each choice.

    Holds, for each choice a browser makes about cookies, the random id kept in its consent
    cookie, the time, the categories, IAB purposes and special features accepted, whether the
    browser sent Global Privacy Control, the fingerprint of the texts and code shown, the first
    characters of the user agent and, when the person was signed in, their account. Kept as the
    proof that the law asks for (GDPR art. 7.1); the choice itself lasts six months, then the
    banner asks again. The categories and their trackers are data of the register
    (`charte.cookies.categories`), checked against the register; a middleware enforces them on
    every response.
    """

    name = "charte.cookies"
    label = "cookies"
    verbose_name = "Cookies"

    def ready(self) -> None:
        from charte.cookies import receivers  # noqa: F401  (remember-me at sign-in)
        from charte.cookies.checks import check_categories
        from charte.cookies.queries import privacy_section
        from charte.core import navigation

        checks.register(check_categories, "charte")

        navigation.add_footer(
            navigation.Link(
                label=_("Cookies"), url_name="cookies:preferences", anonymous=True, order=20
            )
        )
        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="cookies/privacy_section.html", context=privacy_section, order=60
            )
        )
