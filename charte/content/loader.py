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
from django.db.models import Model

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


def read_files(directory: Path | None = None) -> list[tuple[Path, dict[str, Any]]]:
    directory = directory or DATA_DIR
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


def _upsert[M: Model](
    model: type[M], key: str, rows: dict[str, dict[str, Any]], existing: dict[str, M]
) -> dict[str, M]:
    """Create the missing rows and update the changed ones, in bulk; return all, by key."""
    fields = sorted({f for values in rows.values() for f in values})
    new, changed = [], []
    for value, values in rows.items():
        row = existing.get(value)
        if row is None:
            new.append(model(**{key: value}, **values))
        elif any(getattr(row, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(row, f, v)
            changed.append(row)
    model._default_manager.bulk_create(new)
    if changed:
        model._default_manager.bulk_update(changed, fields)
    return {getattr(r, key): r for r in model._default_manager.filter(**{f"{key}__in": rows})}


@transaction.atomic
def load(directory: Path | None = None) -> LoadReport:
    """Bring the database's catalogue up to date with the files, in a few bulk queries."""
    report = LoadReport()
    docs = read_files(directory)
    competencies: dict[str, dict[str, Any]] = {}
    lessons: dict[str, dict[str, Any]] = {}
    exercises: dict[str, dict[str, Any]] = {}
    questions: dict[str, list[dict[str, Any]]] = {}
    related: dict[str, list[str]] = {}
    for path, doc in docs:
        where = path.name
        _require(where, doc, "code", "title", "title_en", "summary", "order")
        code = doc["code"]
        competencies[code] = {
            "title": doc["title"],
            "title_en": doc["title_en"],
            "summary": doc["summary"].strip(),
            "order": doc["order"],
        }
        related[code] = doc.get("related", [])
        own_lessons = set()
        for n, item in enumerate(doc.get("lessons", []), start=1):
            _require(f"{where} lesson {n}", item, "slug", "title", "title_en", "summary", "body")
            own_lessons.add(item["slug"])
            lessons[item["slug"]] = {
                "competency": code,
                "title": item["title"],
                "title_en": item["title_en"],
                "summary": item["summary"].strip(),
                "body": item["body"].strip(),
                "order": n,
            }
        for n, item in enumerate(doc.get("exercises", []), start=1):
            place = f"{where} exercise {item.get('slug', n)}"
            _require(place, item, "slug", "title", "title_en", "difficulty", "questions")
            if item["difficulty"] not in Difficulty.values:
                raise CatalogueError(f"{place}: difficulty must be 1, 2 or 3.")
            if item.get("lesson") and item["lesson"] not in own_lessons:
                raise CatalogueError(f"{place}: unknown lesson {item['lesson']!r}.")
            exercises[item["slug"]] = {
                "competency": code,
                "lesson": item.get("lesson") or None,
                "title": item["title"],
                "title_en": item["title_en"],
                "difficulty": item["difficulty"],
                "instructions": item.get("instructions", ""),
                "order": n,
                "is_published": True,
            }
            questions[item["slug"]] = [
                {
                    "order": m,
                    "kind": q.get("kind"),
                    "prompt": str(q.get("prompt", "")).strip(),
                    "data": validate_question(f"{place} question {m}", q),
                    "explanation": q.get("explanation", "").strip(),
                }
                for m, q in enumerate(item["questions"], start=1)
            ]
    for code, others in related.items():
        if unknown := set(others) - set(competencies):
            raise CatalogueError(f"{code}: unknown related competencies {sorted(unknown)}.")

    saved_competencies = _upsert(
        Competency, "code", competencies, {c.code: c for c in Competency.objects.all()}
    )
    for values in lessons.values():
        values["competency"] = saved_competencies[values["competency"]]
    saved_lessons = _upsert(Lesson, "slug", lessons, {x.slug: x for x in Lesson.objects.all()})
    for values in exercises.values():
        values["competency"] = saved_competencies[values["competency"]]
        values["lesson"] = saved_lessons.get(values["lesson"]) if values["lesson"] else None
    saved_exercises = _upsert(
        Exercise, "slug", exercises, {x.slug: x for x in Exercise.objects.all()}
    )
    existing = {(q.exercise_id, q.key): q for q in Question.objects.all()}
    new, changed, keep = [], [], set()
    for slug, items in questions.items():
        exercise = saved_exercises[slug]
        for values in items:
            key = f"q{values['order']}"
            keep.add((exercise.pk, key))
            row = existing.get((exercise.pk, key))
            if row is None:
                new.append(Question(exercise=exercise, key=key, **values))
            elif any(getattr(row, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(row, f, v)
                changed.append(row)
    Question.objects.bulk_create(new)
    if changed:
        Question.objects.bulk_update(changed, ["order", "kind", "prompt", "data", "explanation"])
    stale = [
        q.pk
        for k, q in existing.items()
        if k not in keep and k[0] in {e.pk for e in saved_exercises.values()}
    ]
    Question.objects.filter(pk__in=stale).delete()
    for code, others in related.items():
        saved_competencies[code].related.set([saved_competencies[o] for o in others])

    gone = Exercise.objects.published().exclude(slug__in=exercises)
    report.unpublished = list(gone.values_list("slug", flat=True))
    gone.update(is_published=False)
    report.competencies = len(competencies)
    report.lessons = len(lessons)
    report.exercises = len(exercises)
    report.questions = sum(len(items) for items in questions.values())
    return report
