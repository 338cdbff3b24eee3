import pytest

from charte.accounts import actions as accounts


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    settings.CHARTE_ARCHIVE_DIR = tmp_path / "archives"
    return settings.CHARTE_ARCHIVE_DIR


@pytest.fixture
def family(guardian_anna, child_ben):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    return guardian_anna, child_ben
