"""Files on local disk and on a real S3-compatible server (moto's, started on loopback).

Production uses any S3 provider through the same settings (FILE_STORAGE=s3, S3_*): these tests
run the storage API against a server speaking the S3 protocol over HTTP, not a mock of boto3.
"""

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings

from config.settings import s3_storage
from tests.learning import ben_in_class, catalogue, chloe_class, school

__all__ = ["ben_in_class", "catalogue", "chloe_class", "school"]

ACCESS_KEY = "testing"
SECRET_KEY = "testing"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's standalone S3 server on a free loopback port, for the whole run."""
    port = _free_port()
    server = subprocess.Popen(  # fixed command, no outside input
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).close()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def bucket_client(endpoint: str) -> Any:
    import boto3  # type: ignore[import-untyped]

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )


class Files:
    """Where the test's files go, and what is stored there now."""

    def __init__(self, kind: str, *, root: Any = None, endpoint: str = "", bucket: str = ""):
        self.kind, self.root, self.endpoint, self.bucket = kind, root, endpoint, bucket

    def names(self) -> list[str]:
        """Every stored file, as "media/..." or "archives/..."."""
        if self.kind == "local":
            return sorted(
                str(path.relative_to(self.root)) for path in self.root.rglob("*") if path.is_file()
            )
        listed = bucket_client(self.endpoint).list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.fixture(params=["local", "s3"])
def files(request, settings, tmp_path) -> Files:
    """Each test runs twice: files on local disk, then on the S3-compatible server."""
    if request.param == "local":
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.CHARTE_ARCHIVE_DIR = tmp_path / "archives"
        return Files("local", root=tmp_path)
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"charte-{uuid.uuid4().hex[:12]}"
    bucket_client(endpoint).create_bucket(Bucket=bucket)
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
    }
    storages = dict(django_settings.STORAGES)
    for alias, location in (("default", "media"), ("archives", "archives")):
        storage = s3_storage(location)
        storage["OPTIONS"].update(options)
        storages[alias] = storage
    settings.STORAGES = storages
    return Files("s3", endpoint=endpoint, bucket=bucket)
