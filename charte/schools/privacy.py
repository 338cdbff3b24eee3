from charte.privacy.register import Category
from charte.privacy.registry import Delete, derived, from_others, observed, registry
from charte.schools.models import (
    Enrolment,
    PupilLogin,
    School,
    SchoolClass,
    SchoolMember,
    SchoolYear,
    Teaching,
)

registry.not_personal(SchoolYear, reason="The calendar of school years; names no person.")
registry.not_personal(School, reason="A school's name and town: an institution, not a person.")
registry.not_personal(
    SchoolClass,
    reason="A class's name, level, year and join code; who is in it lives in Enrolment.",
)

registry.personal(
    SchoolMember,
    subjects=("person",),
    purposes=("groups",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "school": from_others(Category.SCHOOLING),
        "person": from_others(Category.REFERENCE),
        "role": from_others(Category.SCHOOLING),
        "created_at": observed(Category.SCHOOLING),
    },
    erasure=Delete(),
    retention="account",
)

registry.personal(
    Teaching,
    subjects=("teacher",),
    purposes=("groups",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "school_class": from_others(Category.SCHOOLING),
        "teacher": from_others(Category.REFERENCE),
        "created_at": observed(Category.SCHOOLING),
    },
    erasure=Delete(),
    retention="account",
)

registry.personal(
    Enrolment,
    subjects=("pupil",),
    purposes=("groups",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "pupil": observed(Category.REFERENCE),
        # Joined with the class code (the pupil's own act) or placed by the school.
        "school_class": observed(Category.SCHOOLING),
        "method": observed(Category.SCHOOLING),
        "started_at": observed(Category.SCHOOLING),
        "ended_at": observed(Category.SCHOOLING),
    },
    erasure=Delete(),
    retention="account",
)

registry.personal(
    PupilLogin,
    subjects=("pupil", "created_by"),
    purposes=("groups",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "pupil": from_others(Category.REFERENCE, "le compte créé d'après la liste de la classe"),
        "school_class": from_others(Category.SCHOOLING),
        "created_by": from_others(Category.REFERENCE),
        "created_at": observed(Category.SCHOOLING),
        "must_choose_password": derived(Category.CREDENTIALS),
        "password_set_at": observed(Category.CREDENTIALS),
    },
    erasure=Delete(),
    retention="account",
)
