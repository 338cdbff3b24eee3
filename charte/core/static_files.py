"""Django's static files app, as INSTALLED_APPS names it (a module of its own: an app's apps.py
holds its one configuration)."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    """Django's static files, without django-ninja's ReDoc bundle (the API's documentation is its
    Swagger page): collectstatic neither copies nor compresses its 4 MB."""

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "ninja/redoc.standalone.js*"]
