from charte.assignments.models import AssignedPupil, Assignment, Production, ProductionFile
from charte.privacy.register import Category
from charte.privacy.registry import (
    Anonymise,
    Delete,
    derived,
    from_others,
    observed,
    provided,
    registry,
)

registry.personal(
    Assignment,
    subjects=("teacher",),
    purposes=("assignments",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "school_class": provided(Category.SCHOOLING),
        "teacher": provided(Category.REFERENCE),
        "title": provided(Category.WORK),
        "instructions": provided(Category.WORK),
        "exercise": provided(Category.WORK),
        "lesson": provided(Category.WORK),
        "resource": provided(Category.REFERENCE),
        "expects_production": provided(Category.WORK),
        "due_at": provided(Category.WORK),
        "whole_class": provided(Category.WORK),
        "created_at": observed(Category.WORK),
    },
    # The class keeps the work its teacher gave (its pupils' productions hang on it); erasing
    # the teacher's account removes the link to them and the words they wrote (a title or
    # instructions may name them, sign them, or say where to reach them). What was given
    # (exercise, lesson, resource, due date) stays.
    erasure=Anonymise(
        replace={"teacher": None, "title": "[effacé]", "instructions": ""},
        keep=(
            "public_id",
            "school_class",
            "exercise",
            "lesson",
            "resource",
            "expects_production",
            "due_at",
            "whole_class",
            "created_at",
        ),
    ),
    retention="account",
)

registry.personal(
    AssignedPupil,
    subjects=("pupil",),
    purposes=("assignments",),
    fields={
        "assignment": from_others(Category.REFERENCE),
        "pupil": from_others(Category.REFERENCE),
    },
    erasure=Delete(),
    retention="account",
)

registry.personal(
    Production,
    subjects=("pupil", "feedback_by"),
    purposes=("assignments",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "assignment": observed(Category.REFERENCE),
        "pupil": observed(Category.REFERENCE),
        "text": provided(Category.WORK),
        "submitted_at": observed(Category.WORK),
        "updated_at": observed(Category.WORK),
        "feedback": from_others(Category.WORK),
        "feedback_at": from_others(Category.WORK),
        "feedback_by": from_others(Category.REFERENCE),
    },
    erasure={
        "pupil": Delete(),
        # The pupil keeps the feedback; only the link to the teacher who wrote it goes.
        "feedback_by": Anonymise(
            replace={"feedback_by": None},
            keep=(
                "public_id",
                "assignment",
                "pupil",
                "text",
                "submitted_at",
                "updated_at",
                "feedback",
                "feedback_at",
            ),
        ),
    },
    retention="account",
)

registry.personal(
    ProductionFile,
    subjects=("production__pupil",),
    purposes=("assignments",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "production": observed(Category.REFERENCE),
        "file": provided(Category.WORK),
        "name": provided(Category.WORK),
        "content_type": observed(Category.WORK),
        "size": observed(Category.WORK),
        "uploaded_at": observed(Category.WORK),
    },
    erasure=Delete(),
    retention="account",
)
