import pytest

from charte.privacy import processing


@pytest.fixture
def checks(monkeypatch):
    monkeypatch.setattr(processing, "_checks", {})


def test_processing_is_allowed_when_no_check_objects(checks, guardian_anna):
    processing.register_check("silent", lambda person, purpose: None)

    assert processing.allowed(guardian_anna, "coach") is True
    assert processing.refusals(guardian_anna, "coach") == []


def test_one_refusing_check_is_enough(checks, guardian_anna):
    processing.register_check("consent", lambda person, purpose: purpose != "newsletter")
    processing.register_check("restriction", lambda person, purpose: None)

    assert processing.allowed(guardian_anna, "newsletter") is False
    assert processing.refusals(guardian_anna, "newsletter") == ["consent"]
    assert processing.allowed(guardian_anna, "coach") is True


def test_an_unknown_purpose_is_an_error_not_a_yes(checks, guardian_anna):
    with pytest.raises(LookupError):
        processing.allowed(guardian_anna, "telepathy")
