"""An attacker writes the "return to" path: every one goes through `charte.core.paths.safe_path`.

A link that sends a person from our site to another one (`//evil.example/`), a `next` that
makes `redirect()` fail (`-1` taken for a view name), a page stored in an error report for
customer service to click: each was possible on one route or another. The last test reads the
code itself, so that a new view handing request data to `redirect()` fails here.
"""

import ast
import re
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from charte.core.paths import safe_path
from charte.subject_requests import actions as subject_requests
from charte.subject_requests.models import Limitation
from charte.support import actions as support
from charte.support.models import ErrorReport
from tests.conftest import client_for

# Values that are not a page of ours, however a browser or `redirect()` would read them.
HOSTILE = [
    "-1",
    "NaN",
    "' OR 1=1 --",
    "home",  # a view's name: redirect() would reverse it
    "accounts:login",
    "//evil.example/",
    "/%0B/evil.example/",  # decoded by the query string into a vertical tab
    "/\x0b/evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "/\u200b/evil.example/",  # a zero-width space
    "/\\evil.example",
    "/%5Cevil.example",
    "\\\\evil.example",
    "/%2F/evil.example",  # decoded: //evil.example
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example/",
    "\x00//evil.example",
    "/\x00/evil.example",
    "/n-existe-pas/",  # a path, but not one of our pages
    "/" + "a" * 5000,
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_that_is_not_one_of_our_pages_gives_the_default(value):
    assert safe_path(value, "/default/") == "/default/"


@pytest.mark.parametrize("value", [None, 12, b"/charte/", ["/charte/"]])
def test_a_value_that_is_not_text_gives_the_default(value):
    assert safe_path(value, "/default/") == "/default/"


def test_our_pages_pass_with_their_query_string_unless_asked_for_the_path_only():
    assert safe_path("/charte/") == "/charte/"
    assert safe_path("/charte/?q=Martin&p=2#top") == "/charte/?q=Martin&p=2"
    assert safe_path("/charte/?q=Martin", query=False) == "/charte/"
    # A control character is removed before anything else: it never joins two slashes.
    assert safe_path("/cha\x0brte/") == "/charte/"
    assert safe_path(reverse("accounts:login")) == reverse("accounts:login")


def hrefs(html: str) -> list[str]:
    """Every link's target in a page, as a browser reads the attribute."""
    return [unescape(link) for link in re.findall(r'href="([^"]*)"', html)]


# The error report's page (issue: `/signaler/merci/?page=/%0B/evil.example/`) ------------------


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/%0B/evil.example/", "/%5Cevil.example", "/%09/evil.example/"])
def test_the_thanks_page_never_links_to_another_site(client, page):
    links = hrefs(client.get(f"{reverse('support:thanks')}?page={page}").content.decode())

    assert not [link for link in links if "evil.example" in link]
    assert not [link for link in links if link.startswith(("//", "/\\"))]


@pytest.mark.django_db
def test_the_report_form_never_offers_a_link_to_another_site(client):
    text = client.get(f"{reverse('support:report')}?page=/%0B/evil.example/").content.decode()

    assert not [link for link in hrefs(text) if "evil.example" in link]
    assert 'name="page" value=' not in text


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/\x0b/evil.example/", "/\\evil.example", "-1", "/nulle-part/"])
def test_a_visitor_cannot_store_a_link_to_another_site_for_customer_service(client, page):
    response = client.post(
        reverse("support:report"),
        {"message": "Le bouton ne marche pas.", "page": page, "contact_email": ""},
    )

    assert response.status_code == 200
    assert "Indiquez le chemin d" in response.content.decode()
    assert not ErrorReport.objects.exists()


@pytest.mark.django_db
def test_a_page_stored_before_the_rule_is_shown_to_customer_service_but_not_as_a_link(
    cs_farid,
):
    report = support.report_error(
        reporter=None,
        message="Le bouton ne marche pas.",
        page="//evil.example/",
        contact_email="",
        actor=cs_farid,
    )

    text = client_for(cs_farid).get(reverse("support:detail", args=[report.public_id]))
    body = text.content.decode()

    assert text.status_code == 200
    assert "//evil.example/" in body  # customer service still reads what was sent
    assert 'href="//evil.example/"' not in body


# `next` and `retour` on each route that takes one -----------------------------------------------

LIFT_NEXTS = ["-1", "NaN", "' OR 1=1 --", "//evil.example/", "/\\evil.example", "/\x0b/x/"]


@pytest.mark.django_db
@pytest.mark.parametrize("target", LIFT_NEXTS)
def test_lifting_a_limitation_with_a_next_that_is_not_a_page_goes_to_the_privacy_centre(
    pupil_lea, target
):
    subject_requests.object_at_once(person=pupil_lea, purpose="coach", actor=pupil_lea)
    limitation = Limitation.objects.get(person=pupil_lea)

    response = client_for(pupil_lea).post(
        reverse("subject_requests:lift", args=[limitation.public_id]), {"next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:privacy_centre")
    limitation.refresh_from_db()
    assert limitation.ended_at is not None


@pytest.mark.django_db
def test_lifting_a_limitation_returns_to_the_page_it_was_lifted_from(pupil_lea):
    subject_requests.object_at_once(person=pupil_lea, purpose="coach", actor=pupil_lea)
    limitation = Limitation.objects.get(person=pupil_lea)

    response = client_for(pupil_lea).post(
        reverse("subject_requests:lift", args=[limitation.public_id]),
        {"next": "/charte/?section=droits"},
    )

    assert response["Location"] == "/charte/?section=droits"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["-1", "//evil.example/", "/\t/evil.example/"])
def test_the_cookie_choice_returns_only_to_one_of_our_pages(client, target):
    response = client.post(reverse("cookies:preferences"), {"action": "refuse", "next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("cookies:preferences")


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["-1", "//evil.example/", "/\t/evil.example/", "/\\x"])
def test_signing_in_returns_only_to_one_of_our_pages(client, guardian_anna, password, target):
    response = client.post(
        reverse("accounts:login"),
        {"username": guardian_anna.email, "password": password, "next": target},
    )

    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith(("//", "/\\"))
    assert response["Location"] != target


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["-1", "//evil.example/", "/\x0b/evil.example/"])
def test_the_second_factor_returns_only_to_one_of_our_pages(client, it_jules, target):
    client.force_login(it_jules)

    page = client.get(f"{reverse('second_factor:setup')}?next={target}").content.decode()

    assert "evil.example" not in page
    assert 'value="-1"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["//evil.example/", "/\x0b/evil.example/", "-1"])
def test_the_consent_questions_return_only_to_one_of_our_pages(guardian_anna, target):
    response = client_for(guardian_anna).get(f"{reverse('consent:questions')}?next={target}")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_an_exercise_links_back_only_to_one_of_our_pages(client, catalogue):
    from charte.content.models import Exercise

    slug = Exercise.objects.first().slug  # type: ignore[union-attr]
    url = reverse("results:exercise", args=[slug])

    text = client.get(f"{url}?retour=/%0B/evil.example/").content.decode()

    assert not [link for link in hrefs(text) if "evil.example" in link]
    assert 'name="retour"' not in text


# The code: nothing from a request reaches a redirect unchecked -------------------------------

REDIRECTS = {"redirect", "HttpResponseRedirect", "HttpResponsePermanentRedirect"}
# What a request carries from outside; `request.path` and `get_full_path()` are the page
# being served, which resolved already.
OUTSIDE = {"GET", "POST", "COOKIES", "META", "headers", "session", "body", "data", "FILES"}


def _reads_outside(node: ast.AST, tainted: set[str]) -> bool:
    """Whether `node` reads request data (or a name holding some) other than through
    `safe_path(...)`."""
    if isinstance(node, ast.Call):
        # What a call returns is its own: only a method of the data itself (`.get()`,
        # `.strip()`) passes it on. `safe_path(...)` is the one way through.
        return _name(node.func) != "safe_path" and _reads_outside(node.func, tainted)
    if isinstance(node, ast.Attribute):
        if node.attr in OUTSIDE and _name(node.value) == "request":
            return True
        if node.attr == "cleaned_data":
            return True
    if isinstance(node, ast.Name) and node.id in tainted:
        return True
    return any(_reads_outside(child, tainted) for child in ast.iter_child_nodes(node))


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def unchecked_redirects(source: str, filename: str = "<source>") -> list[str]:
    """Each `redirect(...)` of `source` fed from request data that `safe_path` did not see."""
    found = []
    tree = ast.parse(source, filename)
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        tainted: set[str] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.NamedExpr):
                value = node.value
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if value is not None and _reads_outside(value, tainted):
                    tainted.update(t.id for t in targets if isinstance(t, ast.Name))
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) in REDIRECTS
                and any(_reads_outside(arg, tainted) for arg in [*node.args, *node.keywords])
            ):
                found.append(f"{filename}:{node.lineno}")
    return found


ROOT = Path(__file__).resolve().parents[2] / "charte"


def test_no_view_hands_request_data_to_a_redirect_unchecked():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        found += unchecked_redirects(path.read_text(), str(path.relative_to(ROOT.parent)))

    assert found == []


def test_no_code_checks_a_path_with_django_helper_alone():
    """`url_has_allowed_host_and_scheme` accepts `-1` and tabbed slashes: one function only."""
    users = [
        str(path.relative_to(ROOT.parent))
        for path in sorted(ROOT.rglob("*.py"))
        if "url_has_allowed_host_and_scheme" in path.read_text() and path.name != "paths.py"
    ]

    assert users == []


@pytest.mark.parametrize(
    "source",
    [
        "def v(request):\n    return redirect(request.GET['next'])\n",
        "def v(request):\n    t = request.POST.get('next', '')\n    return redirect(t)\n",
        "def v(request):\n    return HttpResponseRedirect(f\"/x?{request.GET.get('n')}\")\n",
        "def v(request, form):\n    return redirect(form.cleaned_data['next'])\n",
        "def v(request):\n    t = request.session.pop('k', '')\n    return redirect(t or '/')\n",
    ],
)
def test_the_code_walk_finds_a_redirect_fed_from_the_request(source):
    assert unchecked_redirects(source) != []


def test_the_code_walk_lets_a_checked_path_through():
    source = (
        "def v(request):\n"
        "    t = safe_path(request.POST.get('next'), '/')\n"
        "    return redirect(safe_path(request.GET.get('n'), t))\n"
    )
    assert unchecked_redirects(source) == []
