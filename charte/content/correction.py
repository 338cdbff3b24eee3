"""Automatic correction of the four kinds of question, and how an answer is read from a form.

Each question is worth one point. Multiple choice and true/false are right or wrong; a matching
question scores the share of pairs matched correctly; a short answer is right when, once
lower-cased, stripped of accents, punctuation and a leading article, it equals one of the
accepted answers. An exercise's score is the mean of its questions' scores, between 0 and 1.
"""

import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from charte.content.models import Exercise, Question

Response = Any  # what the pupil answered, as stored: list[int] | bool | list[int | None] | str

MAX_SHORT_ANSWER = 200
ARTICLES = ("le ", "la ", "les ", "l ", "un ", "une ", "des ", "du ", "de la ", "the ", "a ")


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    for article in ARTICLES:
        if text.startswith(article):
            text = text[len(article) :]
            break
    return text


def grade_question(question: Question, response: Response) -> float:
    data = question.data
    match question.kind:
        case Question.Kind.CHOICE:
            chosen = set(response) if isinstance(response, list) else set()
            return 1.0 if chosen == set(data["answers"]) else 0.0
        case Question.Kind.TRUE_FALSE:
            return 1.0 if response is data["answer"] else 0.0
        case Question.Kind.MATCHING:
            pairs = data["pairs"]
            given = response if isinstance(response, list) else []
            right = sum(1 for i in range(len(pairs)) if i < len(given) and given[i] == i)
            return right / len(pairs)
        case Question.Kind.SHORT_ANSWER:
            typed = normalise_text(response if isinstance(response, str) else "")
            accepted = {normalise_text(a) for a in data["accepted"]}
            return 1.0 if typed and typed in accepted else 0.0
    raise ValueError(f"Unknown question kind {question.kind!r}")


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    response: Response
    score: float

    @property
    def correct(self) -> bool:
        return self.score >= 1.0

    @property
    def partial(self) -> bool:
        return 0.0 < self.score < 1.0

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def given(self) -> list[str]:
        """What the pupil answered, in words (one line per item)."""
        return response_lines(self.question, self.response)

    @property
    def expected(self) -> list[str]:
        """The right answer, in words (one line per item)."""
        return expected_lines(self.question)


@dataclass(frozen=True)
class Grading:
    results: list[QuestionResult]

    @property
    def score(self) -> float:
        """Between 0 and 1."""
        if not self.results:
            return 0.0
        return sum(r.score for r in self.results) / len(self.results)

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    def answers(self) -> list[dict[str, Any]]:
        """As an attempt stores them: the question's key, the response and its score."""
        return [
            {"question": r.question.key, "response": r.response, "score": round(r.score, 4)}
            for r in self.results
        ]


def from_stored(exercise: Exercise, answers: list[dict[str, Any]]) -> Grading:
    """An attempt's stored answers, matched to the exercise's questions, with their scores."""
    stored = {a.get("question"): a for a in answers}
    results = []
    for q in exercise.questions.all():
        answer = stored.get(q.key, {})
        results.append(QuestionResult(q, answer.get("response"), float(answer.get("score", 0))))
    return Grading(results)


def _bool_text(value: bool) -> str:
    return _("Vrai") if value else _("Faux")


def response_lines(question: Question, response: Response) -> list[str]:
    data = question.data
    nothing = [_("(pas de réponse)")]
    match question.kind:
        case Question.Kind.CHOICE:
            options = data["options"]
            picked = [options[i] for i in response or [] if isinstance(i, int) and i < len(options)]
            return picked or nothing
        case Question.Kind.TRUE_FALSE:
            return [_bool_text(response)] if isinstance(response, bool) else nothing
        case Question.Kind.MATCHING:
            pairs = data["pairs"]
            lines = []
            for i, (left, _right) in enumerate(pairs):
                given = response[i] if isinstance(response, list) and i < len(response) else None
                right = pairs[given][1] if isinstance(given, int) and given < len(pairs) else "?"
                lines.append(f"{left} → {right}")
            return lines
        case Question.Kind.SHORT_ANSWER:
            return [response] if isinstance(response, str) and response else nothing
    return nothing


def expected_lines(question: Question) -> list[str]:
    data = question.data
    match question.kind:
        case Question.Kind.CHOICE:
            return [data["options"][i] for i in data["answers"]]
        case Question.Kind.TRUE_FALSE:
            return [_bool_text(data["answer"])]
        case Question.Kind.MATCHING:
            return [f"{left} → {right}" for left, right in data["pairs"]]
        case Question.Kind.SHORT_ANSWER:
            return [data["accepted"][0]]
    return []


def _index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def coerce_response(question: Question, value: Any) -> Response:
    """A response received as JSON (through the API), reduced to what the question accepts."""
    data = question.data
    match question.kind:
        case Question.Kind.CHOICE:
            count = len(data["options"])
            items = value if isinstance(value, list) else [value]
            return sorted({i for i in items if _index(i) and 0 <= i < count})
        case Question.Kind.TRUE_FALSE:
            return value if isinstance(value, bool) else None
        case Question.Kind.MATCHING:
            count = len(data["pairs"])
            items = value if isinstance(value, list) else []
            return [
                items[i] if i < len(items) and _index(items[i]) and 0 <= items[i] < count else None
                for i in range(count)
            ]
        case Question.Kind.SHORT_ANSWER:
            return value.strip()[:MAX_SHORT_ANSWER] if isinstance(value, str) else ""
    return None


def grade(exercise: Exercise, responses: Mapping[str, Response]) -> Grading:
    """Correct every question of the exercise; an unanswered question scores 0."""
    questions = list(exercise.questions.all())
    return Grading(
        [
            QuestionResult(q, responses.get(q.key), grade_question(q, responses.get(q.key)))
            for q in questions
        ]
    )


def shuffled_rights(question: Question) -> list[tuple[int, str]]:
    """The right-hand items of a matching question in a fixed, per-question shuffled order."""
    rights = [(i, pair[1]) for i, pair in enumerate(question.data["pairs"])]
    random.Random(f"{question.exercise_id}:{question.key}").shuffle(rights)  # noqa: S311
    return rights


def read_response(question: Question, form: Mapping[str, Any]) -> Response:
    """The response to `question` from a submitted form (a QueryDict or a plain dict of lists).

    Anything malformed reads as "no answer": a pupil never gets an error for a tampered form,
    only a question marked wrong.
    """
    name = question.key

    def values(key: str) -> Sequence[str]:
        getlist = getattr(form, "getlist", None)
        if getlist is not None:
            return list(getlist(key))
        value = form.get(key)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]

    def as_int(text: str) -> int | None:
        try:
            return int(text)
        except (TypeError, ValueError):
            return None

    match question.kind:
        case Question.Kind.CHOICE:
            count = len(question.data["options"])
            picked = {as_int(v) for v in values(name)}
            return sorted(i for i in picked if i is not None and 0 <= i < count)
        case Question.Kind.TRUE_FALSE:
            given = values(name)
            return {"true": True, "false": False}.get(given[0]) if given else None
        case Question.Kind.MATCHING:
            count = len(question.data["pairs"])
            out: list[int | None] = []
            for i in range(count):
                given = values(f"{name}-{i}")
                choice = as_int(given[0]) if given else None
                out.append(choice if choice is not None and 0 <= choice < count else None)
            return out
        case Question.Kind.SHORT_ANSWER:
            given = values(name)
            return given[0].strip()[:MAX_SHORT_ANSWER] if given else ""
    return None


def read_responses(exercise: Exercise, form: Mapping[str, Any]) -> dict[str, Response]:
    return {q.key: read_response(q, form) for q in exercise.questions.all()}
