"""The rule of levels, as documented in charte/results/levels.py and on /resultats/niveaux/."""

from datetime import UTC, datetime

import pytest

from charte.results.levels import Latest, Level, level_of, next_step, progress_of

AT = datetime(2026, 10, 1, tzinfo=UTC)


def rows(*pairs):
    """(difficulty, score) per exercise."""
    return [Latest(n, 1, d, s, AT) for n, (d, s) in enumerate(pairs)]


@pytest.mark.parametrize(
    ("latest", "level"),
    [
        ((), Level.NOT_STARTED),
        (((1, 0.25),), Level.BEGINNING),
        (((1, 0.5),), Level.IN_PROGRESS),
        # Perfect at the discovery level alone is not "acquired".
        (((1, 1.0),), Level.IN_PROGRESS),
        (((1, 1.0), (2, 0.75)), Level.ACQUIRED),
        # Acquired needs the score too, not only a level-2 success.
        (((1, 0.25), (2, 0.75), (3, 0.25)), Level.IN_PROGRESS),
        (((1, 1.0), (2, 1.0), (3, 0.75)), Level.MASTERED),
        # Mastered needs level 3 passed, whatever the score.
        (((1, 1.0), (2, 1.0), (3, 0.5)), Level.ACQUIRED),
    ],
)
def test_the_level_follows_the_documented_rule(latest, level):
    assert level_of(rows(*latest))[0] == level


def test_harder_exercises_weigh_more():
    _, score = level_of(rows((1, 1.0), (3, 0.0)))

    assert score == pytest.approx(0.25)


def test_the_course_progress_counts_levels_over_all_competencies():
    assert progress_of([Level.MASTERED, Level.NOT_STARTED], 2) == 0.5
    assert progress_of([], 8) == 0.0


def test_each_level_says_what_it_takes_to_reach_the_next():
    assert "niveau 2" in next_step(Level.IN_PROGRESS, 1.0, 1)
    assert "80 %" in next_step(Level.ACQUIRED, 0.7, 3)
    assert "maîtrisé" in next_step(Level.MASTERED, 1.0, 3)
