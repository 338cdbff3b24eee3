"""Where the run keeps every test's files: on the S3-compatible server when TEST_FILE_STORAGE=s3
(`make test`'s PostgreSQL run), on local disk otherwise (its SQLite run)."""

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages

from tests.object_storage import suite_on_s3


def test_a_tests_files_go_to_the_runs_storage(suite_bucket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # on local disk, this test's own folders
    settings.CHARTE_ARCHIVE_DIR = tmp_path / "archives"
    before = set(suite_bucket.names()) if suite_bucket is not None else set()

    name = default_storage.save("probe.txt", ContentFile(b"probe"))
    archive = storages["archives"].save("probe.zip", ContentFile(b"zip"))

    if suite_on_s3():
        assert suite_bucket is not None
        # Beside what the fixtures built once for a module stored there.
        assert set(suite_bucket.names()) - before == {f"archives/{archive}", f"media/{name}"}
    else:
        assert suite_bucket is None
        assert isinstance(storages["default"], FileSystemStorage)
        assert (tmp_path / "media" / name).read_bytes() == b"probe"
        assert (tmp_path / "archives" / archive).read_bytes() == b"zip"
