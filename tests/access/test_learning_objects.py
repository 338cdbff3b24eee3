"""Every object URL of the learning pages and API, tried by every kind of outsider: a pupil of
another class, the parent of another child, the teacher of another class and the staff of
another school. Each gets "not found", exactly as for an object that does not exist, and
nothing changes."""

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from charte.accounts import actions as accounts
from charte.accounts.models import Role, User
from charte.assignments.models import Production, ProductionFile
from charte.audit.models import Entry
from charte.core.actors import SEED
from charte.resources.models import Folder, Resource
from charte.schools import actions as school_actions
from charte.schools.models import Enrolment, SchoolClass, SchoolMember
from charte.subject_requests.models import Limitation
from tests.conftest import client_for
from tests.factories import make_user
from tests.learning import enrol, learning_objects

pytestmark = pytest.mark.django_db


@dataclass
class World:
    ids: dict[str, str]
    outsiders: dict[str, User]
    owners: dict[str, User]


@pytest.fixture
def world(catalogue, school, chloe_class, ben_in_class, teacher_chloe, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ben = ben_in_class
    objects = learning_objects(teacher_chloe, ben, chloe_class)
    made, handout, folder = objects.attempt, objects.handout, objects.folder
    own_note, work, production = objects.note, objects.assignment, objects.production

    # Another school, with its own staff, teacher, class, pupil and parent.
    other_school = school_actions.create_school(name="Collège Voltaire", city="Nantes", actor=SEED)
    staff_b = make_user(role=Role.SCHOOL_STAFF)
    teacher_b = make_user(role=Role.TEACHER)
    for person, role in (
        (staff_b, SchoolMember.Role.STAFF),
        (teacher_b, SchoolMember.Role.TEACHER),
    ):
        school_actions.add_school_member(school=other_school, person=person, role=role, actor=SEED)
    class_b = school_actions.create_class(
        teacher=teacher_b, name="4e C", level="4e", school=other_school, actor=teacher_b
    )
    pupil_b = make_user(role=Role.PUPIL)
    parent_b = make_user(role=Role.PARENT)
    accounts.propose_guardianship(child=pupil_b, guardian=parent_b, actor=parent_b)
    enrol(pupil_b, class_b)

    return World(
        ids={
            "class": str(chloe_class.public_id),
            "school": str(school.public_id),
            "enrolment": str(Enrolment.objects.get(pupil=ben).public_id),
            "pupil": str(ben.public_id),
            "attempt": str(made.public_id),
            "assignment": str(work.public_id),
            "production": str(production.public_id),
            "file": str(ProductionFile.objects.get().public_id),
            "resource": str(handout.public_id),
            "own_note": str(own_note.public_id),
            "folder": str(folder.public_id),
        },
        outsiders={
            "pupil of another class": pupil_b,
            "parent of another child": parent_b,
            "teacher of another class": teacher_b,
            "staff of another school": staff_b,
        },
        owners={"teacher": teacher_chloe, "pupil": ben},
    )


# (method, path, form or JSON body). Ids are filled from the world.
URLS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("get", "/classes/{class}/", None),
    ("post", "/classes/{class}/code/", {"do": "renew"}),
    ("post", "/classes/{class}/archiver/", {}),
    ("post", "/classes/{class}/eleves/{enrolment}/retirer/", {}),
    ("get", "/etablissement/{school}/", None),
    ("post", "/etablissement/{school}/", {"form": "place", "login": "x", "school_class": "1"}),
    ("get", "/resultats/classes/{class}/", None),
    ("get", "/resultats/eleves/{pupil}/", None),
    ("get", "/exercices/tentatives/{attempt}/", None),
    ("get", "/devoirs/classes/{class}/", None),
    ("get", "/devoirs/classes/{class}/nouveau/", None),
    ("get", "/devoirs/{assignment}/", None),
    ("post", "/devoirs/{assignment}/", {"text": "intrus"}),
    ("post", "/devoirs/{assignment}/supprimer/", {}),
    ("get", "/devoirs/productions/{production}/", None),
    ("post", "/devoirs/productions/{production}/", {"feedback": "intrus"}),
    ("get", "/devoirs/fichiers/{file}/", None),
    ("post", "/devoirs/fichiers/{file}/retirer/", {}),
    ("get", "/ressources/{resource}/", None),
    ("get", "/ressources/{resource}/fichier/", None),
    ("get", "/ressources/{resource}/modifier/", None),
    ("post", "/ressources/{resource}/supprimer/", {}),
    ("get", "/ressources/{own_note}/", None),
    ("post", "/ressources/dossiers/{folder}/", {"do": "delete"}),
    ("post", "/coach/opposition/{pupil}/", {}),
    ("get", "/coach/?eleve={pupil}", None),
    ("get", "/api/schools/classes/{class}", None),
    ("get", "/api/results/pupils/{pupil}", None),
    ("get", "/api/results/pupils/{pupil}/attempts", None),
    ("get", "/api/results/classes/{class}", None),
    ("get", "/api/assignments/{assignment}", None),
    (
        "json",
        "/api/assignments/",
        {
            "school_class": "{class}",
            "title": "x",
            "exercise": "vote-bureau",
            "due_at": "2099-01-01T08:00:00Z",
        },
    ),
    ("json", "/api/schools/join", {"code": "AAAAAA", "pupil": "{pupil}"}),
]


def call(client, method, path, body, ids):
    url = path.format(**ids)
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url, body or {})
    payload = {k: v.format(**ids) if isinstance(v, str) else v for k, v in body.items()}
    return client.post(url, payload, content_type="application/json")


def snapshot():
    return {
        "codes": list(SchoolClass.objects.order_by("pk").values_list("join_code", flat=True)),
        "current": Enrolment.objects.current().count(),
        "productions": list(Production.objects.values_list("text", "feedback")),
        "files": ProductionFile.objects.count(),
        "resources": list(Resource.objects.order_by("pk").values_list("title", flat=True)),
        "folders": Folder.objects.count(),
        "objections": Limitation.objects.count(),
        "reads": Entry.objects.filter(event="read.results").count(),
    }


@pytest.mark.parametrize(
    "outsider",
    [
        "pupil of another class",
        "parent of another child",
        "teacher of another class",
        "staff of another school",
    ],
)
def test_every_object_url_is_not_found_for_every_outsider(world, outsider):
    client = client_for(world.outsiders[outsider])
    before = snapshot()
    answers = {}

    for method, path, body in URLS:
        answers[path] = call(client, method, path, body, world.ids).status_code

    assert {path: code for path, code in answers.items() if code != 404} == {}
    assert snapshot() == before


def test_a_missing_object_answers_exactly_like_a_forbidden_one(world):
    teacher = client_for(world.owners["teacher"])
    missing = {key: str(uuid.uuid4()) for key in world.ids}
    outsider = client_for(world.outsiders["teacher of another class"])

    for method, path, body in URLS:
        if method != "get" or "?" in path:
            continue
        absent = call(teacher, method, path, body, missing)
        forbidden = call(outsider, method, path, body, world.ids)
        assert absent.status_code == forbidden.status_code == 404, path
        if not path.startswith("/api/"):
            assert "Page introuvable" in absent.content.decode()
            assert "Page introuvable" in forbidden.content.decode()


def test_the_owners_do_reach_their_objects(world):
    teacher = client_for(world.owners["teacher"])
    pupil = client_for(world.owners["pupil"])

    for path in (
        "/classes/{class}/",
        "/resultats/classes/{class}/",
        "/devoirs/{assignment}/",
        "/devoirs/productions/{production}/",
        "/api/results/pupils/{pupil}",
    ):
        assert teacher.get(path.format(**world.ids)).status_code == 200, path
    for path in (
        "/resultats/eleves/{pupil}/",
        "/exercices/tentatives/{attempt}/",
        "/devoirs/{assignment}/",
        "/ressources/{resource}/",
        "/ressources/{own_note}/",
    ):
        assert pupil.get(path.format(**world.ids)).status_code == 200, path


def test_a_pupil_out_of_the_class_is_no_longer_the_teachers(world):
    """Taken out of the class, the pupil's results, attempts and productions are no longer the
    teacher's to see; the pupil and their family still see them."""
    teacher = client_for(world.owners["teacher"])
    enrolment = world.ids["enrolment"]
    removed = teacher.post(f"/classes/{world.ids['class']}/eleves/{enrolment}/retirer/")
    assert removed.status_code == 302
    assert not Enrolment.objects.current().filter(public_id=enrolment).exists()
    theirs = [
        "/resultats/eleves/{pupil}/",
        "/exercices/tentatives/{attempt}/",
        "/devoirs/productions/{production}/",
        "/devoirs/fichiers/{file}/",
        "/api/results/pupils/{pupil}",
    ]

    for path in theirs:
        assert teacher.get(path.format(**world.ids)).status_code == 404, path
    pupil = client_for(world.owners["pupil"])
    for path in theirs:
        assert pupil.get(path.format(**world.ids)).status_code == 200, path
