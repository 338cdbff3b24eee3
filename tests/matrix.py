"""The access matrix: for every URL pattern of the project, who gets it (and, for an action,
who may post to it), with the objects it names taken from the world (`tests/world.py`).

Checked by `tests/test_access_matrix.py`; walked by the attacks and the small-screen test.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from charte.accounts.models import Role
from tests.world import World, this_year

VISITOR = "visitor"
EVERY_ROLE = frozenset(r.value for r in Role)
PLATFORM = frozenset({Role.PUPIL, Role.PARENT, Role.TEACHER, Role.SCHOOL_STAFF})
STAFF = EVERY_ROLE - PLATFORM
# The second factor is offered to every adult, required of staff, not offered to pupils.
OFFERED = EVERY_ROLE - {Role.PUPIL}
OPTIONAL = (Role.PARENT.value, Role.TEACHER.value, Role.SCHOOL_STAFF.value)


@dataclass(frozen=True)
class Post:
    """A check by POST: `roles` do it (a page sends them on, the API answers 201), everyone
    else gets 404 (or `denied`) and a visitor is sent to sign in (the API: 401)."""

    roles: frozenset[str]
    data: Callable[[World], dict[str, Any]] | None = None
    ok: frozenset[int] = frozenset({302})
    json: bool = False
    denied: frozenset[int] = frozenset({404})


@dataclass(frozen=True)
class Entry:
    """Who gets the route. `visitor` is the status a visitor gets (302 to sign in by default);
    `statuses` names the exact answer of a role when roles differ (a redirect to their page)."""

    roles: frozenset[str]
    kwargs: Callable[[World], dict[str, Any]] | None = None
    visitor: int = 302
    ok: frozenset[int] = frozenset({200})
    denied: frozenset[int] = frozenset({404})
    note: str = ""
    statuses: dict[str, int] = field(default_factory=dict)
    post: Post | None = None


def everyone(*, visitor: int = 200, ok: frozenset[int] = frozenset({200}), note: str = "") -> Entry:
    return Entry(roles=EVERY_ROLE, visitor=visitor, ok=ok, note=note)


def only(*roles: str, **extra: Any) -> Entry:
    return Entry(roles=frozenset(roles), **extra)


def post_only(
    *roles: str,
    kwargs: Callable[[World], dict[str, Any]] | None = None,
    data: Callable[[World], dict[str, Any]] | None = None,
    gated: bool = False,
    json: bool = False,
    denied: frozenset[int] = frozenset({404}),
    ok: frozenset[int] | None = None,
    note: str = "",
) -> Entry:
    """A route that only acts on POST. By GET, everyone signed in gets 405, or, when a role
    check comes first (`gated`), the roles get 405 and everyone else 404."""
    if ok is None:
        ok = frozenset({201}) if json else frozenset({302})
    post = Post(roles=frozenset(roles), data=data, json=json, denied=denied, ok=ok)
    visitor = 405 if json else 302
    if gated:
        return Entry(
            roles=frozenset(roles),
            kwargs=kwargs,
            visitor=visitor,
            ok=frozenset({405}),
            note=note,
            post=post,
        )
    return Entry(
        roles=EVERY_ROLE,
        kwargs=kwargs,
        visitor=visitor,
        ok=frozenset({405}),
        note=note,
        post=post,
    )


def ids(**names: str) -> Callable[[World], dict[str, Any]]:
    """URL kwargs taken from the world's objects: ids(public_id="class")."""
    return lambda w: {key: w.ids[name] for key, name in names.items()}


def fixed(**values: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: dict(values)


PARENT, PUPIL, TEACHER = Role.PARENT.value, Role.PUPIL.value, Role.TEACHER.value
SCHOOL_STAFF, DPO, CS = Role.SCHOOL_STAFF.value, Role.DPO.value, Role.CUSTOMER_SERVICE.value
FAMILY_AND_TEACHER = (PUPIL, PARENT, TEACHER)
SOON = "2099-01-01T08:00:00Z"


MATRIX: dict[str, Entry] = {
    # The shell, the charter and signing in: open to all.
    "home": everyone(),
    "privacy:charter": everyone(),
    "set_language": Entry(
        roles=EVERY_ROLE, visitor=302, ok=frozenset({302}), note="POST only; GET redirects back"
    ),
    "accounts:login": Entry(
        roles=EVERY_ROLE, visitor=200, ok=frozenset({302}), note="a signed-in user is sent home"
    ),
    "accounts:logout": Entry(
        roles=EVERY_ROLE,
        visitor=405,
        ok=frozenset({405}),
        denied=frozenset({405}),
        note="POST only",
    ),
    "accounts:password_reset": everyone(),
    "accounts:password_reset_done": everyone(),
    "accounts:password_reset_complete": everyone(),
    "accounts:password_reset_confirm": Entry(
        roles=EVERY_ROLE,
        kwargs=lambda w: {"uidb64": uuid.uuid4().hex, "token": "expired-token"},
        visitor=200,
        note="an invalid link says so, to anyone",
    ),
    # The links sent to an address: anyone may follow one; a wrong or used one is "not found".
    "accounts:sign_up_confirm": Entry(
        roles=EVERY_ROLE,
        kwargs=lambda w: {"uid": uuid.uuid4().hex, "token": "expired-token"},
        visitor=404,
        ok=frozenset({404}),
        note="an invalid link says so, to anyone",
    ),
    "accounts:email_change_confirm": Entry(
        roles=EVERY_ROLE,
        kwargs=lambda w: {"uid": uuid.uuid4().hex, "address": "eA", "token": "expired-token"},
        visitor=404,
        ok=frozenset({404}),
        note="an invalid link says so, to anyone",
    ),
    "accounts:email_change_cancel": Entry(
        roles=EVERY_ROLE,
        kwargs=lambda w: {"uid": uuid.uuid4().hex, "addresses": "eA", "token": "expired-token"},
        visitor=404,
        ok=frozenset({404}),
        note="an invalid link says so, to anyone",
    ),
    "accounts:password_change": everyone(visitor=302),
    "accounts:password_change_done": everyone(visitor=302),
    # Where one is signed in: every session of one's own, any of them signed out.
    "accounts:devices": everyone(visitor=302),
    "accounts:end_session": post_only(
        kwargs=fixed(handle="0" * 24), note="no session of anyone's has that name: 404"
    ),
    "accounts:end_other_sessions": post_only(*EVERY_ROLE),
    "accounts:waiting_resend": Entry(
        roles=EVERY_ROLE,
        visitor=405,
        ok=frozenset({405}),
        denied=frozenset({405}),
        note="POST only; sends nothing unless this browser just typed a closed account's "
        "right password",
    ),
    # The second factor. Staff sessions here passed it (tests/conftest.py); the others have
    # none, and no recent password: the pages that change a factor first ask for it (302).
    "second_factor:settings": only(*OFFERED),
    "second_factor:verify": only(*OFFERED, ok=frozenset({302}), note="passed, or none: on"),
    "second_factor:recovery": only(*OFFERED, ok=frozenset({302}), note="passed, or none: on"),
    "second_factor:setup": only(
        *OFFERED, ok=frozenset({302}), note="asks for the password typed again first"
    ),
    "second_factor:confirm_password": only(*OFFERED),
    "second_factor:recovery_codes": only(
        *OFFERED,
        ok=frozenset({302}),
        note="codes are shown once, right after they are made; POST asks for the password",
        post=Post(roles=OFFERED),
    ),
    "second_factor:remove_totp": post_only(*OFFERED, note="asks for the password typed again"),
    "second_factor:remove_passkey": post_only(
        DPO, kwargs=ids(public_id="passkey"), note="asks for the password typed again"
    ),
    "second_factor:turn_off": only(
        *OPTIONAL, ok=frozenset({302}), note="staff may not; nothing to turn off: back"
    ),
    "second_factor:passkey_register_options": post_only(
        *OFFERED, ok=frozenset({403}), note="needs the password typed again: 403"
    ),
    "second_factor:passkey_register": post_only(
        *OFFERED, ok=frozenset({403}), note="needs the password typed again: 403"
    ),
    "second_factor:passkey_options": post_only(
        *OFFERED, ok=frozenset({200, 400}), note="the DPO has a passkey; others: none (400)"
    ),
    "second_factor:passkey_verify": post_only(
        *OFFERED, ok=frozenset({400}), note="no credential sent: refused (400)"
    ),
    "second_factor:reset": only(
        DPO,
        Role.IT,
        post=Post(
            roles=frozenset({DPO, Role.IT}), data=lambda w: {"login": w.people[PARENT].login}
        ),
    ),
    "second_factor:reset_person": only(
        DPO, Role.IT, kwargs=ids(person="parent"), post=Post(roles=frozenset({DPO, Role.IT}))
    ),
    # Each person's own data; a guardian also sees their child's.
    "accounts:privacy_centre": everyone(visitor=302),
    "accounts:privacy_centre_person": only(PUPIL, PARENT, kwargs=ids(person="pupil")),
    "cookies:preferences": everyone(),
    "consent:sign_up": Entry(
        roles=EVERY_ROLE, visitor=200, ok=frozenset({302}), note="a signed-in user is sent home"
    ),
    "consent:questions": Entry(
        roles=EVERY_ROLE, ok=frozenset({302}), note="nothing left to ask: sent on"
    ),
    "consent:choose": post_only(
        PUPIL, PARENT, kwargs=ids(person="pupil"), note="the person or their guardian"
    ),
    "consent:withdraw_child": post_only(
        PARENT, kwargs=ids(person="pupil"), note="a guardian, for their child"
    ),
    "consent:unsubscribe": Entry(
        roles=EVERY_ROLE,
        visitor=200,
        kwargs=ids(token="unsubscribe_token"),
        note="the signed link in an email is the key; it works signed in or not",
    ),
    "consent:versions": everyone(),
    "consent:version": Entry(roles=EVERY_ROLE, visitor=200, kwargs=ids(number="version")),
    # Rights (charter §5): the person, or a guardian for a child; the DPO and customer
    # service handle requests.
    "subject_requests:new": only(
        PUPIL, PARENT, kwargs=lambda w: {"person": w.ids["pupil"], "kind": "access"}
    ),
    "subject_requests:information": only(PUPIL, PARENT, kwargs=ids(person="pupil")),
    "subject_requests:change_email": only(
        *(EVERY_ROLE - {PUPIL}),
        note="one's own address; a child has none (this pupil counts as one)",
    ),
    "subject_requests:directives": everyone(visitor=302, note="each person's own directives"),
    "subject_requests:detail": only(PARENT, kwargs=ids(public_id="request")),
    "subject_requests:cancel": post_only(PARENT, kwargs=ids(public_id="request")),
    "subject_requests:download": only(
        PARENT, kwargs=ids(public_id="request", token="archive_token")
    ),
    "subject_requests:lift": post_only(
        PARENT, DPO, kwargs=ids(public_id="limitation"), note="the person, or the DPO"
    ),
    "subject_requests:queue": only(DPO, CS),
    "subject_requests:overdue": only(DPO, CS),
    "subject_requests:export": only(DPO, CS),
    "subject_requests:staff_new": only(DPO, CS),
    "subject_requests:staff_detail": only(DPO, CS, kwargs=ids(public_id="request")),
    "subject_requests:claim": everyone(),
    "subject_requests:claim_sent": everyone(),
    "subject_requests:claim_archive": Entry(
        roles=EVERY_ROLE,
        kwargs=ids(token="claim_token"),
        visitor=200,
        note="a single-use link: whoever holds it, signed in or not, then a code by email",
    ),
    "subject_requests:claim_proof": only(
        DPO, CS, kwargs=ids(public_id="claim_request", proof="proof")
    ),
    # Families (P7): a parent and their children.
    "families:home": only(PARENT),
    "families:create_child": only(PARENT),
    "families:child": only(PARENT, kwargs=ids(child="pupil")),
    "families:rename": post_only(
        PARENT,
        kwargs=ids(child="pupil"),
        data=fixed(first_name="Matrice", last_name="Renommé"),
        gated=True,
    ),
    "families:correct_facts": post_only(
        PARENT,
        kwargs=ids(child="pupil"),
        data=fixed(birth_date="2014-01-01", country="FR"),
        gated=True,
        note="a guardian corrects the birth date or country; never the child",
    ),
    "families:set_password": post_only(
        PARENT,
        kwargs=ids(child="pupil"),
        data=fixed(password1="Un-nouveau-mot-2026", password2="Un-nouveau-mot-2026"),
        gated=True,
    ),
    "families:invite": post_only(
        PARENT, kwargs=ids(child="pupil"), data=fixed(email="tiers@exemple.test"), gated=True
    ),
    "families:remove": post_only(PARENT, kwargs=ids(child="pupil"), gated=True),
    "families:cancel_invitation": post_only(
        PARENT, kwargs=ids(invitation="invitation"), gated=True
    ),
    "families:invitation": Entry(
        roles=frozenset({PARENT}),
        kwargs=ids(token="invitation_token"),
        visitor=200,
        denied=frozenset({403}),
        note="the emailed link is the key: a visitor is asked to sign in or sign up as a "
        "parent; an account of another kind is asked to switch (403)",
    ),
    "families:letter": only(PARENT, note="a parent types the code of a school's letter"),
    "families:pupil_sign_up": Entry(
        roles=EVERY_ROLE, visitor=200, ok=frozenset({302}), note="a signed-in user is sent home"
    ),
    # Schools and classes (P7): the teacher and the staff of the school.
    "schools:classes": Entry(
        roles=frozenset(PLATFORM),
        statuses={PUPIL: 302, PARENT: 302, SCHOOL_STAFF: 302},
        note="pupils and parents are sent to join a class, the staff to their school",
    ),
    "schools:create_class": only(TEACHER),
    "schools:join": only(PUPIL, PARENT),
    "schools:class_detail": only(TEACHER, SCHOOL_STAFF, kwargs=ids(public_id="class")),
    "schools:class_code": post_only(
        TEACHER, SCHOOL_STAFF, kwargs=ids(public_id="class"), data=fixed(do="renew")
    ),
    "schools:archive": post_only(TEACHER, SCHOOL_STAFF, kwargs=ids(public_id="class")),
    "schools:continue_next_year": post_only(
        TEACHER, SCHOOL_STAFF, kwargs=ids(public_id="class"), note="keeps the pupils a year more"
    ),
    "schools:remove_pupil": post_only(
        TEACHER, SCHOOL_STAFF, kwargs=ids(public_id="class", enrolment="enrolment")
    ),
    "schools:add_pupil": only(TEACHER, SCHOOL_STAFF, kwargs=ids(public_id="class")),
    "schools:import_pupils": only(TEACHER, SCHOOL_STAFF, kwargs=ids(public_id="class")),
    "schools:login_cards": post_only(
        TEACHER,
        SCHOOL_STAFF,
        kwargs=ids(public_id="class"),
        ok=frozenset({200, 302}),
        note="a PDF, or back to the class when every pupil chose their password",
    ),
    "schools:parent_letters": post_only(
        TEACHER,
        SCHOOL_STAFF,
        kwargs=ids(public_id="class"),
        ok=frozenset({200, 302}),
        note="a PDF, or back to the class when no account waits for a parent",
    ),
    "schools:reset_password": post_only(
        TEACHER,
        SCHOOL_STAFF,
        kwargs=ids(public_id="class", pupil="pupil"),
        ok=frozenset({200}),
        note="the new password, shown once",
    ),
    "schools:choose_password": Entry(
        roles=EVERY_ROLE,
        ok=frozenset({302}),
        note="a pupil with their school's password chooses theirs; anyone else is sent home",
    ),
    "schools:my_school": only(SCHOOL_STAFF, ok=frozenset({302}), note="sent to their school"),
    "schools:school_detail": only(SCHOOL_STAFF, kwargs=ids(public_id="school")),
    # Learning (P2-P6): the pupil, their family and their teacher.
    "content:catalogue": everyone(),
    "content:lesson": Entry(
        roles=EVERY_ROLE, visitor=200, kwargs=fixed(slug="symboles-et-valeurs")
    ),
    "content:competency": Entry(roles=EVERY_ROLE, visitor=200, kwargs=fixed(code="republique")),
    "results:exercise": Entry(
        roles=EVERY_ROLE, visitor=200, kwargs=fixed(slug="republique-symboles")
    ),
    "results:levels_help": everyone(),
    "results:mine": Entry(
        roles=EVERY_ROLE,
        statuses=dict.fromkeys(EVERY_ROLE - {PUPIL}, 302),
        note="a pupil's own page; a parent is sent to their child's, a teacher to their "
        "classes, anyone else home",
    ),
    "results:attempt": only(*FAMILY_AND_TEACHER, kwargs=ids(public_id="attempt")),
    "results:pupil": only(*FAMILY_AND_TEACHER, kwargs=ids(public_id="pupil")),
    "results:class_results": only(TEACHER, kwargs=ids(public_id="class")),
    # Reports: a pupil's results report (and its PDF) for the pupil, their family and their
    # teacher; usage figures of a class for its teacher, of a school for its staff, of the whole
    # platform for the operator's staff; the public releases and their budget for the DPO.
    "reports:pupil": only(*FAMILY_AND_TEACHER, kwargs=ids(public_id="pupil")),
    "reports:pupil_pdf": only(*FAMILY_AND_TEACHER, kwargs=ids(public_id="pupil")),
    "reports:class_usage": only(TEACHER, kwargs=ids(public_id="class")),
    "reports:school_usage": only(SCHOOL_STAFF, kwargs=ids(public_id="school")),
    "reports:platform_usage": only(DPO, Role.IT, Role.SALES, Role.MARKETING),
    # A class's reports printed at once: its teacher starts (POST), follows and downloads.
    "reports:class_prints": only(TEACHER, kwargs=ids(public_id="class")),
    "reports:class_print_start": post_only(
        TEACHER,
        kwargs=ids(public_id="class"),
        data=lambda w: {"periode": f"{this_year().first_year}-year"},
    ),
    "reports:class_print_progress": only(
        TEACHER,
        kwargs=ids(public_id="class_print"),
        ok=frozenset({302}),
        note="a fragment the class's printing page polls; opened as a page, it leads there",
    ),
    "reports:class_print_download": only(TEACHER, kwargs=ids(public_id="class_print")),
    "reports:releases": only(
        DPO,
        post=Post(roles=frozenset({DPO}), data=fixed(label="Matrice", epsilon="0.5")),
        note="the DPO publishes figures by POST; anyone else: not found",
    ),
    "coach:next": everyone(note="a visitor's and staff's advice name no pupil"),
    "coach:objection": post_only(PUPIL, PARENT, kwargs=ids(person="pupil")),
    "resources:list": only(PUPIL, TEACHER),
    "resources:create": only(PUPIL, TEACHER),
    "resources:create_folder": post_only(PUPIL, TEACHER, data=fixed(name="Dossier")),
    "resources:change_folder": post_only(
        TEACHER, kwargs=ids(public_id="folder"), data=fixed(do="delete")
    ),
    "resources:detail": only(
        *FAMILY_AND_TEACHER, kwargs=ids(public_id="resource"), note="handed out with work"
    ),
    "resources:download": only(*FAMILY_AND_TEACHER, kwargs=ids(public_id="resource")),
    "resources:edit": only(TEACHER, kwargs=ids(public_id="resource")),
    "resources:delete": post_only(TEACHER, kwargs=ids(public_id="resource")),
    "assignments:mine": only(*FAMILY_AND_TEACHER),
    "assignments:class_assignments": only(TEACHER, kwargs=ids(public_id="class")),
    "assignments:create": only(TEACHER, kwargs=ids(public_id="class")),
    "assignments:detail": only(*FAMILY_AND_TEACHER, kwargs=ids(public_id="assignment")),
    "assignments:delete": post_only(TEACHER, kwargs=ids(public_id="assignment")),
    "assignments:production": only(*FAMILY_AND_TEACHER, kwargs=ids(public_id="production")),
    "assignments:file": only(*FAMILY_AND_TEACHER, kwargs=ids(public_id="file")),
    "assignments:remove_file": post_only(
        *FAMILY_AND_TEACHER,
        kwargs=ids(public_id="file"),
        note="whoever sees the file reaches it and is sent back to the work; only the pupil's "
        "own removal is done",
    ),
    # The error-report form (P8) and customer service.
    "support:report": everyone(),
    "support:thanks": everyone(),
    "support:queue": only(CS),
    "support:detail": only(CS, kwargs=ids(public_id="report")),
    "support:assign": post_only(CS, kwargs=ids(public_id="report"), gated=True),
    "support:answer": post_only(
        CS, kwargs=ids(public_id="report"), data=fixed(body="Merci, c'est corrigé."), gated=True
    ),
    "support:close": post_only(CS, kwargs=ids(public_id="report"), gated=True),
    "support:reopen": post_only(CS, kwargs=ids(public_id="report"), gated=True),
    # Orders (P11): the buyer; accounting for orders and invoices, sales for schools' licences.
    "payments:plans": everyone(),
    "payments:checkout": only(
        PARENT,
        kwargs=fixed(plan_code="famille-annuel"),
        note="a family plan; teachers and schools order their own",
    ),
    "payments:orders": everyone(visitor=302, note="each person's own orders, often none"),
    "payments:order": only(PARENT, kwargs=ids(public_id="order")),
    "payments:order_return": only(
        PARENT, kwargs=ids(public_id="order"), ok=frozenset({302}), note="sent to the order"
    ),
    "payments:invoice": only(PARENT, Role.ACCOUNTING, kwargs=ids(public_id="invoice")),
    "payments:webhook": Entry(
        roles=EVERY_ROLE,
        kwargs=fixed(provider_code="test"),
        visitor=405,
        ok=frozenset({405}),
        denied=frozenset({405}),
        note="the provider's signed POST; no session matters",
    ),
    "audience:beacon": Entry(
        roles=EVERY_ROLE,
        visitor=405,
        ok=frozenset({405}),
        denied=frozenset({405}),
        note="our audience script's page views, by POST from anyone (tests/audience)",
    ),
    "csp_report": Entry(
        roles=EVERY_ROLE,
        visitor=405,
        ok=frozenset({405}),
        denied=frozenset({405}),
        note="browsers' CSP reports, by POST from anyone (tests/attacks/test_headers_and_caching.py)",
    ),
    "payments:testpay:pay": Entry(
        roles=EVERY_ROLE,
        visitor=200,
        kwargs=ids(token="order_token"),
        note="the test provider's own payment page, opened by its signed token",
    ),
    "payments:accounting_orders": only(Role.ACCOUNTING),
    "payments:accounting_order": only(Role.ACCOUNTING, kwargs=ids(public_id="order")),
    "payments:accounting_invoices": only(Role.ACCOUNTING),
    "payments:sales_licences": only(Role.SALES),
    "payments:sales_licence": only(Role.SALES, kwargs=ids(public_id="licence")),
    # The journal (S2): IT and the DPO; hidden from visitors too.
    "audit:search": only(Role.IT, DPO, visitor=404, note="its existence is not shown"),
    "audit:export": only(Role.IT, DPO, visitor=404, note="its existence is not shown"),
    # Retention: the DPO; a person (or their guardian) keeps their account by a link.
    "retention:overview": only(DPO),
    "retention:overview_csv": only(DPO),
    "retention:dry_run": only(DPO),
    "retention:person": only(DPO, kwargs=ids(public_id="parent")),
    "retention:hold_object": post_only(DPO, gated=True),
    "retention:lift": post_only(DPO, kwargs=ids(public_id="hold"), gated=True),
    "retention:renew": Entry(
        roles=EVERY_ROLE,
        visitor=200,
        kwargs=ids(token="renew_token"),
        note="the emailed signed link is the key",
    ),
    "retention:renew_signed_in": post_only(PUPIL, PARENT, kwargs=ids(public_id="pupil")),
    # Internal services, each limited to its purpose.
    "consent:parental_checks": only(DPO),
    "recipients:authority_requests": only(DPO),
    "recipients:notices": only(DPO),
    "recipients:notice": Entry(
        roles=EVERY_ROLE,
        visitor=200,
        kwargs=ids(public_id="notice", token="notice_token"),
        note="a recipient's signed link is the key; no account needed",
    ),
    "recipients:notice_callback": Entry(
        roles=EVERY_ROLE,
        kwargs=ids(public_id="notice", token="notice_token"),
        visitor=405,
        ok=frozenset({405}),
        denied=frozenset({405}),
        note="the recipient's API POSTs its signed link; no session matters",
    ),
    "recipients:waive_notice": post_only(
        DPO,
        kwargs=ids(public_id="notice"),
        data=fixed(reason="Partenaire relancé"),
        note="the DPO answers the person without waiting for a recipient",
    ),
    # The API.
    "api:api-root": Entry(
        roles=frozenset(), visitor=404, denied=frozenset({404}), note="no page at the root"
    ),
    "api:openapi-json": everyone(),
    "api:openapi-view": everyone(),
    "api:me": everyone(visitor=401),
    "api:ping": everyone(note="liveness, no data"),
    "api:purposes": Entry(
        roles=frozenset(), visitor=401, denied=frozenset({401}), note="other services' key only"
    ),
    "api:subject_consents": Entry(
        roles=frozenset(),
        kwargs=ids(public_id="parent"),
        visitor=401,
        denied=frozenset({401}),
        note="other services' key only; no personal session",
    ),
    "api:record_consent": Entry(
        roles=frozenset(),
        kwargs=ids(public_id="parent"),
        visitor=401,
        denied=frozenset({401}),
        note="other services' key only; no personal session",
    ),
    "api:list_classes": everyone(visitor=401, note="the classes one sees, often none"),
    "api:create_class": Entry(
        roles=EVERY_ROLE,
        visitor=401,
        note="GET is the list",
        post=Post(
            roles=frozenset({TEACHER}),
            data=fixed(name="6e A", level="6e"),
            ok=frozenset({201}),
            json=True,
            denied=frozenset({400}),
        ),
    ),
    "api:get_class": only(TEACHER, SCHOOL_STAFF, kwargs=ids(public_id="class"), visitor=401),
    "api:join": post_only(
        PUPIL,
        PARENT,
        data=lambda w: {"code": w.ids["join_code"], "pupil": str(w.ids["pupil"])},
        json=True,
        ok=frozenset({409}),
        note="a pupil, or a guardian for their child; the child is in the class already (409)",
    ),
    "api:pupil_results": only(*FAMILY_AND_TEACHER, kwargs=ids(public_id="pupil"), visitor=401),
    "api:pupil_attempts": only(*FAMILY_AND_TEACHER, kwargs=ids(public_id="pupil"), visitor=401),
    "api:answer": post_only(
        PUPIL,
        kwargs=fixed(slug="republique-symboles"),
        data=fixed(responses={}),
        json=True,
        denied=frozenset({400}),
        note="anyone but a pupil is refused (400): nothing of anyone's is named",
    ),
    "api:class_results": only(TEACHER, kwargs=ids(public_id="class"), visitor=401),
    "api:list_assignments": everyone(visitor=401, note="the work one sees, often none"),
    "api:create_assignment": Entry(
        roles=EVERY_ROLE,
        visitor=401,
        note="GET is the list",
        post=Post(
            roles=frozenset({TEACHER}),
            data=lambda w: {
                "school_class": str(w.ids["class"]),
                "title": "Le vote",
                "exercise": "vote-bureau",
                "due_at": SOON,
            },
            ok=frozenset({201}),
            json=True,
        ),
    ),
    "api:get_assignment": only(
        *FAMILY_AND_TEACHER, kwargs=ids(public_id="assignment"), visitor=401
    ),
    "api:mine": everyone(visitor=401, note="one's own requests and one's children's"),
    "api:one": only(PARENT, kwargs=ids(public_id="request"), visitor=401),
    # Internal services' pages: the marketing service's mailings, and customer service's
    # account lookup (data minimisation: no results, productions or work).
    "mailings:list": only(Role.MARKETING),
    "mailings:detail": only(Role.MARKETING, kwargs=ids(public_id="mailing")),
    "mailings:progress": only(
        Role.MARKETING,
        kwargs=ids(public_id="mailing"),
        ok=frozenset({302}),
        note="a fragment the mailing's page polls; opened as a page, it leads there",
    ),
    "mailings:proof": post_only(Role.MARKETING, kwargs=ids(public_id="mailing")),
    "mailings:send": post_only(Role.MARKETING, kwargs=ids(public_id="mailing")),
    "support:account_lookup": only(Role.CUSTOMER_SERVICE),
}


def routes() -> Iterator[tuple[str, URLPattern]]:
    def walk(patterns: list[Any], namespace: str | None) -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = (
                    f"{namespace}:{p.namespace}"
                    if namespace and p.namespace
                    else (p.namespace or namespace)
                )
                yield from walk(p.url_patterns, inner)
            elif p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), p

    yield from walk(get_resolver().url_patterns, None)


def url_of(name: str, world: World, **replace: Any) -> str:
    entry = MATRIX[name]
    kwargs = entry.kwargs(world) if entry.kwargs else {}
    return reverse(name, kwargs={**kwargs, **replace} or None)


def expected_get(entry: Entry, role: str) -> frozenset[int]:
    if role in entry.statuses:
        return frozenset({entry.statuses[role]})
    return entry.ok if role in entry.roles else entry.denied
