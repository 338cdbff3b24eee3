"""The people of `bench.school_morning`, for locust (run by that benchmark, not on its own).

Everything goes through the pages as a browser sends it: forms are read from the page (its
CSRF token, an exercise's inputs) and posted back; each step is named for the report.
"""

import itertools
import json
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["SCHOOL_MORNING_DATA"]).read())  # noqa: SIM115
TEACHERS = int(os.environ.get("SCHOOL_MORNING_TEACHERS", "4"))
_pupil_numbers = itertools.count()
_teacher_numbers = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOGIN = "/compte/connexion/"
# Exercises a pupil does between signing in and out: sign-in is an Argon2 hash, the costliest
# request of the morning, and a pupil signs in once for a series of exercises.
EXERCISES = 5


class ExerciseForm(HTMLParser):
    """The inputs of an exercise's form: for each question, the values it may take."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.choices: dict[str, list[str]] = {}
        self.several: set[str] = set()
        self.texts: list[str] = []
        self.hidden: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "exercise" in a.get("class", ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input":
            kind, name = a.get("type", "text"), a.get("name", "")
            if kind in {"radio", "checkbox"}:
                self.choices.setdefault(name, []).append(a.get("value", ""))
                if kind == "checkbox":
                    self.several.add(name)
            elif kind == "hidden":
                self.hidden[name] = a.get("value", "")
            elif kind == "text":
                self.texts.append(name)
        elif tag == "select":
            self._select = a.get("name", "")
            self.choices[self._select] = []
        elif tag == "option" and self._select and a.get("value"):
            self.choices[self._select].append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False

    def answers(self, rng: random.Random) -> list[tuple[str, str]]:
        """An answer to every question, as a pupil who knows some of them."""
        out = list(self.hidden.items())
        for name, values in self.choices.items():
            if values:
                out.append((name, rng.choice(values)))
        out.extend((name, str(rng.randint(1, 20))) for name in self.texts)
        return out


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    return found.group(1) if found else ""


class Pupil(HttpUser):
    """A pupil's morning: sign in, look at their work, do a few exercises, sign out; again."""

    weight = 10
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.login = DATA["pupils"][next(_pupil_numbers) % len(DATA["pupils"])]

    @task
    def morning(self) -> None:
        page = self.client.get(LOGIN, name="pupil: sign-in page")
        form = {
            "csrfmiddlewaretoken": csrf_of(page.text),
            "username": self.login,
            "password": DATA["password"],
        }
        with self.client.post(
            LOGIN, data=form, name="pupil: sign in", catch_response=True
        ) as answer:
            if LOGIN in answer.url:
                answer.failure("still on the sign-in page")
                return
        self.client.get("/", name="pupil: home")
        self.wait()
        self.client.get("/devoirs/", name="pupil: homework")
        for _ in range(EXERCISES):
            self.wait()
            self.exercise()
        self.wait()
        progress = self.client.get("/resultats/", name="pupil: progress")
        self.client.post(
            "/compte/deconnexion/",
            data={"csrfmiddlewaretoken": csrf_of(progress.text)},
            name="pupil: sign out",
        )

    def exercise(self) -> None:
        url = f"/exercices/{self.rng.choice(DATA['exercises'])}/"
        page = self.client.get(url, name="pupil: exercise")
        form = ExerciseForm()
        form.feed(page.text)
        data = [("csrfmiddlewaretoken", csrf_of(page.text)), *form.answers(self.rng)]
        self.wait()  # thinking
        with self.client.post(
            url, data=data, name="pupil: submit exercise", catch_response=True
        ) as answer:
            if "/exercices/tentatives/" not in answer.url:
                answer.failure(f"not recorded (ended on {answer.url})")


class Teacher(HttpUser):
    """A teacher signed in once, opening their classes and one class's results now and then."""

    fixed_count = TEACHERS
    wait_time = between(3, 6)

    def on_start(self) -> None:
        me = DATA["teachers"][next(_teacher_numbers) % len(DATA["teachers"])]
        self.school_class = me["class"]
        page = self.client.get(LOGIN, name="teacher: sign-in page")
        form = {
            "csrfmiddlewaretoken": csrf_of(page.text),
            "username": me["login"],
            "password": DATA["password"],
        }
        self.client.post(LOGIN, data=form, name="teacher: sign in")

    @task(1)
    def classes(self) -> None:
        self.client.get("/classes/", name="teacher: classes")

    @task(3)
    def results(self) -> None:
        self.client.get(f"/resultats/classes/{self.school_class}/", name="teacher: class results")
