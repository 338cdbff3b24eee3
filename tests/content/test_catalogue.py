from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from charte.content.loader import DATA_DIR, CatalogueError, load
from charte.content.models import Competency, Difficulty, Exercise, Lesson, Question
from tests.helpers import external_urls

pytestmark = pytest.mark.django_db


def test_the_catalogue_covers_eight_competencies_with_lessons_and_three_levels(catalogue):
    competencies = list(Competency.objects.all())

    assert len(competencies) >= 8
    for competency in competencies:
        assert competency.title
        assert competency.title_en
        assert Lesson.objects.filter(competency=competency).exists()
        levels = set(
            Exercise.objects.filter(competency=competency).values_list("difficulty", flat=True)
        )
        assert levels == set(Difficulty.values), competency.code
    assert set(Question.objects.values_list("kind", flat=True)) == set(Question.Kind.values)
    codes = {c.code for c in competencies}
    assert {"republique", "citoyennete-numerique", "developpement-durable"} <= codes


def test_loading_twice_changes_nothing(catalogue):
    before = (Competency.objects.count(), Exercise.objects.count(), Question.objects.count())
    ids = set(Exercise.objects.values_list("pk", flat=True))

    report = load()

    after = (Competency.objects.count(), Exercise.objects.count(), Question.objects.count())
    assert before == after == (report.competencies, report.exercises, report.questions)
    assert set(Exercise.objects.values_list("pk", flat=True)) == ids


def test_an_exercise_removed_from_the_files_is_unpublished_not_deleted(catalogue, tmp_path):
    for path in DATA_DIR.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text())
    first = tmp_path / "01-republique.toml"
    text = first.read_text()
    first.write_text(text[: text.index('[[exercises]]\nslug = "republique-laicite"')])

    report = load(tmp_path)

    assert report.unpublished == ["republique-laicite"]
    gone = Exercise.objects.get(slug="republique-laicite")
    assert gone.is_published is False


def test_a_malformed_file_is_refused_with_its_name_and_nothing_changes(catalogue, tmp_path):
    (tmp_path / "99-casse.toml").write_text(
        'code = "casse"\norder = 9\ntitle = "Cassé"\ntitle_en = "Broken"\nsummary = "x"\n'
        '[[exercises]]\nslug = "casse-1"\ntitle = "t"\ntitle_en = "t"\ndifficulty = 1\n'
        '[[exercises.questions]]\nkind = "choice"\nprompt = "?"\noptions = ["a"]\nanswers = [3]\n'
    )
    count = Exercise.objects.count()

    with pytest.raises(CatalogueError, match=r"99-casse\.toml"):
        load(tmp_path)

    assert Exercise.objects.count() == count
    assert not Competency.objects.filter(code="casse").exists()


def test_the_command_loads_the_catalogue(db):
    out = StringIO()

    call_command("load_catalogue", stdout=out)

    assert "8 competencies" in out.getvalue()
    assert Exercise.objects.count() >= 24


def test_the_command_explains_a_malformed_catalogue(db, monkeypatch, tmp_path):
    monkeypatch.setattr("charte.content.loader.DATA_DIR", tmp_path)

    with pytest.raises(CommandError, match="malformed"):
        call_command("load_catalogue")


def test_everyone_can_read_the_catalogue_and_its_lessons(client, catalogue):
    home = client.get("/contenus/")
    competency = client.get("/contenus/medias-information/")
    lesson = client.get("/contenus/lecons/verifier-une-information/")

    assert home.status_code == competency.status_code == lesson.status_code == 200
    assert "Les médias et l&#x27;information" in home.content.decode()
    assert "/exercices/medias-reflexes/" in competency.content.decode()
    body = lesson.content.decode()
    assert "<h2>Les bons réflexes</h2>" in body
    assert external_urls(body) == []


def test_an_unknown_competency_or_lesson_is_not_found(client, catalogue):
    assert client.get("/contenus/inconnue/").status_code == 404
    assert client.get("/contenus/lecons/inconnue/").status_code == 404


def test_titles_are_shown_in_english_to_english_readers(client, catalogue):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get("/contenus/")

    assert "Media and information" in response.content.decode()
