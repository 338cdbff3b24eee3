"""Learning events as xAPI statements (xAPI 1.0.3), the field's common vocabulary.

Verbs come from the ADL registry; the actor is an account on our platform named by its
pseudonym, never by a name, an email or an account id; the object is our own page of the
exercise, lesson or work; the context groups the statement under its school and class.
"""

import uuid
from typing import Any

from django.conf import settings

from charte.learning.models import Kind, LearningEvent, Verb

VERBS: dict[str, tuple[str, str]] = {
    Verb.COMPLETED: ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    Verb.EXPERIENCED: ("http://adlnet.gov/expapi/verbs/experienced", "experienced"),
    Verb.SUBMITTED: ("http://activitystrea.ms/schema/1.0/submit", "submitted"),
    Verb.LAUNCHED: ("http://adlnet.gov/expapi/verbs/launched", "launched"),
}
ACTIVITY_TYPES: dict[str, str] = {
    Kind.EXERCISE: "http://adlnet.gov/expapi/activities/assessment",
    Kind.LESSON: "http://adlnet.gov/expapi/activities/lesson",
    Kind.ASSIGNMENT: "http://id.tincanapi.com/activitytype/school-assignment",
    Kind.SUGGESTION: "http://adlnet.gov/expapi/activities/link",
}
PATHS: dict[str, str] = {
    Kind.EXERCISE: "/exercices/{ref}/",
    Kind.LESSON: "/contenus/lecons/{ref}/",
    Kind.ASSIGNMENT: "/devoirs/{ref}/",
    Kind.SUGGESTION: "/exercices/{ref}/",
}
NAMESPACE = uuid.UUID("6f1c8f3e-5c1a-4a77-9d1e-5a8b0d3f2c10")


def _site() -> str:
    return str(settings.SITE_URL).rstrip("/")


def statement(event: LearningEvent) -> dict[str, Any]:
    verb_id, verb_name = VERBS[event.verb]
    statement: dict[str, Any] = {
        "id": str(uuid.uuid5(NAMESPACE, f"{event.pseudonym.value}:{event.pk}")),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": _site() + "/", "name": event.pseudonym.value},
        },
        "verb": {"id": verb_id, "display": {"en-US": verb_name}},
        "object": {
            "objectType": "Activity",
            "id": _site() + PATHS[event.kind].format(ref=event.ref),
            "definition": {"type": ACTIVITY_TYPES[event.kind]},
        },
        "timestamp": event.at.isoformat(),
        "version": "1.0.3",
    }
    if event.score is not None or event.success is not None:
        result: dict[str, Any] = {"completion": True}
        if event.score is not None:
            result["score"] = {"scaled": round(event.score, 4)}
        if event.success is not None:
            result["success"] = event.success
        statement["result"] = result
    grouping = []
    if event.school_id:
        grouping.append(
            {"objectType": "Activity", "id": f"{_site()}/xapi/ecoles/{event.school_id}"}
        )
    if event.class_id:
        grouping.append(
            {"objectType": "Activity", "id": f"{_site()}/xapi/classes/{event.class_id}"}
        )
    context: dict[str, Any] = {"platform": "charte", "language": "fr"}
    if grouping:
        context["contextActivities"] = {"grouping": grouping}
    statement["context"] = context
    return statement
