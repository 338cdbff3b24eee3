"""Loading the catalogue from the files in `data/` (one TOML file per competency).

Design: the files are the source; the database is a copy that `load()` brings up to date,
idempotently: competencies, lessons and exercises are found by their code or slug and updated
in place, questions by their position. Nothing a pupil did refers to a question row (attempts
store the question's key), so questions may be rewritten freely; an exercise that leaves the
files is only unpublished, because attempts point at it.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from charte.content.models import Competency, Difficulty, Exercise, Lesson, Question

DATA_DIR = Path(__file__).resolve().parent / "data"


class CatalogueError(ValueError):
    """A catalogue file is malformed; the message names the file and the place."""


@dataclass
class LoadReport:
    competencies: int = 0
    lessons: int = 0
    exercises: int = 0
    questions: int = 0
    unpublished: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.competencies} competencies, {self.lessons} lessons, "
            f"{self.exercises} exercises, {self.questions} questions"
            + (f"; unpublished: {', '.join(self.unpublished)}" if self.unpublished else "")
        )


def read_files(directory: Path = DATA_DIR) -> list[tuple[Path, dict[str, Any]]]:
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise CatalogueError(f"No catalogue file in {directory}.")
    out = []
    for path in files:
        with path.open("rb") as handle:
            try:
                out.append((path, tomllib.load(handle)))
            except tomllib.TOMLDecodeError as exc:
                raise CatalogueError(f"{path.name}: {exc}") from exc
    return out


def _require(where: str, item: dict[str, Any], *keys: str) -> None:
    missing = [k for k in keys if not item.get(k) and item.get(k) is not False]
    if missing:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}.")


def validate_question(where: str, q: dict[str, Any]) -> dict[str, Any]:
    """The question's stored `data`, once its shape is checked."""
    _require(where, q, "kind", "prompt")
    kind = q["kind"]
    if kind == Question.Kind.CHOICE:
        _require(where, q, "options", "answers")
        options, answers = q["options"], q["answers"]
        if len(options) < 2 or not all(0 <= a < len(options) for a in answers):
            raise CatalogueError(f"{where}: answers must point at two or more options.")
        return {"options": options, "answers": sorted(set(answers))}
    if kind == Question.Kind.TRUE_FALSE:
        if not isinstance(q.get("answer"), bool):
            raise CatalogueError(f"{where}: a true/false question needs answer = true or false.")
        return {"answer": q["answer"]}
    if kind == Question.Kind.MATCHING:
        pairs = q.get("pairs") or []
        if len(pairs) < 2 or any(len(p) != 2 for p in pairs):
            raise CatalogueError(f"{where}: a matching question needs two or more pairs.")
        if len({p[1] for p in pairs}) != len(pairs):
            raise CatalogueError(f"{where}: the right-hand items must all differ.")
        return {"pairs": pairs}
    if kind == Question.Kind.SHORT_ANSWER:
        _require(where, q, "accepted")
        return {"accepted": q["accepted"]}
    raise CatalogueError(f"{where}: unknown kind {kind!r}.")


@transaction.atomic
def load(directory: Path = DATA_DIR) -> LoadReport:
    report = LoadReport()
    files = read_files(directory)
    seen_exercises: set[str] = set()
    related: dict[str, list[str]] = {}
    for path, doc in files:
        where = path.name
        _require(where, doc, "code", "title", "title_en", "summary", "order")
        competency, _ = Competency.objects.update_or_create(
            code=doc["code"],
            defaults={
                "title": doc["title"],
                "title_en": doc["title_en"],
                "summary": doc["summary"].strip(),
                "order": doc["order"],
            },
        )
        report.competencies += 1
        related[competency.code] = doc.get("related", [])
        lessons: dict[str, Lesson] = {}
        for n, item in enumerate(doc.get("lessons", []), start=1):
            _require(f"{where} lesson {n}", item, "slug", "title", "title_en", "summary", "body")
            lesson, _ = Lesson.objects.update_or_create(
                slug=item["slug"],
                defaults={
                    "competency": competency,
                    "title": item["title"],
                    "title_en": item["title_en"],
                    "summary": item["summary"].strip(),
                    "body": item["body"].strip(),
                    "order": n,
                },
            )
            lessons[lesson.slug] = lesson
            report.lessons += 1
        for n, item in enumerate(doc.get("exercises", []), start=1):
            place = f"{where} exercise {item.get('slug', n)}"
            _require(place, item, "slug", "title", "title_en", "difficulty", "questions")
            if item["difficulty"] not in Difficulty.values:
                raise CatalogueError(f"{place}: difficulty must be 1, 2 or 3.")
            if item.get("lesson") and item["lesson"] not in lessons:
                raise CatalogueError(f"{place}: unknown lesson {item['lesson']!r}.")
            exercise, _ = Exercise.objects.update_or_create(
                slug=item["slug"],
                defaults={
                    "competency": competency,
                    "lesson": lessons.get(item.get("lesson", "")),
                    "title": item["title"],
                    "title_en": item["title_en"],
                    "difficulty": item["difficulty"],
                    "instructions": item.get("instructions", ""),
                    "order": n,
                    "is_published": True,
                },
            )
            seen_exercises.add(exercise.slug)
            report.exercises += 1
            keys = []
            for m, q in enumerate(item["questions"], start=1):
                key = f"q{m}"
                keys.append(key)
                Question.objects.update_or_create(
                    exercise=exercise,
                    key=key,
                    defaults={
                        "order": m,
                        "kind": q["kind"],
                        "prompt": q["prompt"].strip(),
                        "data": validate_question(f"{place} question {m}", q),
                        "explanation": q.get("explanation", "").strip(),
                    },
                )
                report.questions += 1
            exercise.questions.exclude(key__in=keys).delete()
    for code, others in related.items():
        competency = Competency.objects.get(code=code)
        found = list(Competency.objects.filter(code__in=others))
        if len(found) != len(set(others)):
            raise CatalogueError(f"{code}: unknown related competency in {others}.")
        competency.related.set(found)
    gone = Exercise.objects.published().exclude(slug__in=seen_exercises)
    report.unpublished = list(gone.values_list("slug", flat=True))
    gone.update(is_published=False)
    return report
