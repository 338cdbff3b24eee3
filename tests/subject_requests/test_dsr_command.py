"""The operators' command: the same actions as the workbench, journalled with the operator."""

import getpass
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from charte.accounts.models import User
from charte.privacy.register import PORTABLE_PROVENANCES
from charte.privacy.registry import registry
from charte.subject_requests.models import ErasureCertificate, Status, SubjectRequest
from tests.conftest import journal

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("dsr", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_access_writes_the_archive_with_a_manifest_that_matches(guardian_anna, tmp_path):
    import hashlib

    target = tmp_path / "anna.zip"

    out, _ = run("access", "anna@famille.test", "--out", str(target))

    with zipfile.ZipFile(target) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        for item in manifest["files"]:
            assert hashlib.sha256(zf.read(item["name"])).hexdigest() == item["sha256"]
        info = json.loads(zf.read("information.json"))
        html = zf.read("index.html").decode()
    assert "anna@famille.test" in html
    assert "CNIL" in html
    assert "http" not in html.lower().replace("http-equiv", "")  # no link out of the file
    assert info["complaint"]["website"] == "www.cnil.fr"
    assert {r["model"] for r in info["records"]} >= {"accounts.User", "audit.Entry"}
    assert "password" not in zf.namelist().__str__()
    assert "pbkdf2" not in html
    assert "md5$" not in html
    request = SubjectRequest.objects.get()
    assert request.status == Status.COMPLETED
    assert request.reference in out
    operator = f"system:operator:{getpass.getuser()}"
    assert journal("subject_request.archive_built")[0].actor_ref == operator
    assert request.identity_checks.get().method == "operator"


def test_portability_holds_only_what_the_person_provided_or_did(pupil_lea, tmp_path):
    target = tmp_path / "lea.zip"

    run("portability", "lea@eleve.test", "--out", str(target))

    with zipfile.ZipFile(target) as zf:
        data = json.loads(zf.read("donnees.json"))
    for record in data["records"]:
        declaration = next(d for d in registry.declarations() if d.label == record["model"])
        for field in record["fields"]:
            assert declaration.fields[field["name"]].provenance in PORTABLE_PROVENANCES
    user = next(r for r in data["records"] if r["model"] == "accounts.User")
    assert "is_staff" not in {f["name"] for f in user["fields"]}  # derived: not portable
    assert user["rows"][0]["email"] == "lea@eleve.test"


def test_erase_needs_yes_then_erases_and_certifies(guardian_anna):
    with pytest.raises(CommandError, match="--yes"):
        run("erase", "anna@famille.test")
    assert User.objects.filter(pk=guardian_anna.pk).exists()

    out, _ = run("erase", "anna@famille.test", "--yes")

    assert not User.objects.filter(email="anna@famille.test").exists()
    certificate = ErasureCertificate.objects.get()
    assert certificate.residual_clean
    assert str(certificate.public_id) in out
    assert "anna" not in json.dumps(certificate.counts).lower()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("access", "nobody@nowhere.test", "--out", "x.zip"), "No account"),
        (("access", "anna@famille.test"), "--out"),
        (("access", "anna@famille.test", "--out", "/no/such/folder/x.zip"), "does not exist"),
    ],
)
def test_errors_exit_non_zero_with_a_clear_message(guardian_anna, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not SubjectRequest.objects.exists()


def test_a_system_actor_named_like_an_operator_is_not_one(guardian_anna):
    """Only the typed `Operator` (the command's) acts without a staff account: a job whose
    name merely starts with "operator:" is refused like anyone who is not staff."""
    from charte.core.actors import Operator, SystemActor
    from charte.subject_requests import actions
    from charte.subject_requests.models import Channel, Kind

    pretender = SystemActor("operator:mallory")
    with pytest.raises(actions.ActionError):
        actions.open_request(
            person=guardian_anna, kind=Kind.ACCESS, actor=pretender, channel=Channel.EMAIL
        )
    assert not SubjectRequest.objects.exists()

    request = actions.open_request(
        person=guardian_anna, kind=Kind.ACCESS, actor=Operator("alice"), channel=Channel.EMAIL
    )
    assert journal("subject_request.opened")[0].actor_ref == "system:operator:alice"
    assert request.status == Status.AWAITING_IDENTITY
