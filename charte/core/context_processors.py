from typing import Any

from django.conf import settings
from django.http import HttpRequest

from charte.core import navigation


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's header and footer need: the operator, the menu and the footer links."""
    user = getattr(request, "user", None)
    if user is None:
        return {"operator": settings.CHARTE_OPERATOR, "menu": [], "footer_links": []}
    return {
        "operator": settings.CHARTE_OPERATOR,
        "menu": navigation.menu_for(user),
        "footer_links": navigation.footer_for(user),
    }
