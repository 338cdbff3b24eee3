"""What each role's home page shows, computed from the other apps' queries.

A panel only ever shows the viewer's own data, or data of people the other apps' access rules
already let them see (their children, the pupils of their classes): every list below starts
from the viewer.
"""

from typing import Any

from charte.accounts.models import User
from charte.accounts.queries import children_of
from charte.assignments import queries as assignments
from charte.coach.queries import advice_for
from charte.results import queries as results
from charte.results.actions import record_results_viewed
from charte.results.levels import Level
from charte.schools import queries as schools
from charte.schools.forms import JoinForm
from charte.schools.models import SchoolMember

OPEN = (assignments.Status.TODO, assignments.Status.LATE)


def pupil_class(user: User) -> dict[str, Any]:
    school_class = schools.current_class_of(user)
    return {
        "school_class": school_class,
        "teachers": schools.teachers_of_class(school_class) if school_class else [],
        "join_form": None if school_class else JoinForm(),
    }


def pupil_next(user: User) -> dict[str, Any]:
    return {"advice": advice_for(user)}


def pupil_work(user: User) -> dict[str, Any]:
    work = assignments.pupil_work(user)
    open_work = [(a, s) for a, s in work if s.status in OPEN]
    return {
        "work": open_work[:5],
        "more": max(0, len(open_work) - 5),
        "done": len(work) - len(open_work),
    }


def pupil_progress(user: User) -> dict[str, Any]:
    return {"report": results.pupil_report(user), "levels": Level}


def teacher_classes(user: User) -> dict[str, Any]:
    return {"classes": schools.classes_taught_by(user)}


def teacher_work(user: User) -> dict[str, Any]:
    late = []
    for assignment in assignments.assignments_of_teacher(user)[:30]:
        if not assignment.is_past_due:
            continue
        rows = [r for r in assignments.statuses(assignment) if r.is_late]
        if rows:
            late.append((assignment, [r.pupil for r in rows]))
    return {"late": late[:6], "to_review": assignments.productions_to_review(user)}


def staff_school(user: User) -> dict[str, Any]:
    schools_ = list(schools.schools_of(user, role=SchoolMember.Role.STAFF))
    return {
        "schools": [
            (
                school,
                list(schools.classes_of_school(school)),
                schools.recent_enrolments_of_school(school, limit=5),
            )
            for school in schools_
        ]
    }


def parent_children(user: User) -> dict[str, Any]:
    children = []
    kids = list(children_of(user))
    record_results_viewed(viewer=user, pupils=kids, via="home")
    for child in kids:
        work = assignments.pupil_work(child)
        children.append(
            {
                "child": child,
                "school_class": schools.current_class_of(child),
                "report": results.pupil_report(child),
                "open_work": [(a, s) for a, s in work if s.status in OPEN][:4],
                "late": sum(1 for _, s in work if s.status == assignments.Status.LATE),
                "advice": advice_for(child, limit=1),
            }
        )
    return {"children": children, "levels": Level}
