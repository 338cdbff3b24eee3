"""Declarations for the framework's models that we install, which cannot declare themselves."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django_tasks_db.models import DBTaskResult

from charte.core.models import ScheduledJob
from charte.privacy.registry import registry

registry.not_personal(ContentType, reason="The framework's list of models; names no person.")
registry.not_personal(
    Permission, reason="The framework's permission names; unused, names no person."
)
registry.not_personal(Group, reason="The framework's permission groups; unused, names no person.")
registry.not_personal(
    DBTaskResult,
    reason="Background jobs take and return internal row ids only (never a name, email or text).",
)
registry.not_personal(ScheduledJob, reason="When each periodic job last ran; names no person.")
