"""Files on a real S3-compatible server during the tests: moto's standalone server, on loopback.

Production uses any S3 provider through the same settings (FILE_STORAGE=s3, S3_*): the tests
run the storage API against a server speaking the S3 protocol over HTTP, not a mock of boto3.

`TEST_FILE_STORAGE=s3` (`make test`'s PostgreSQL run) puts the whole suite's files there: each
test process (each xdist worker) starts its own server and bucket, and what a test stores is
deleted after it, as each test on local disk stores its files in a folder of its own. Otherwise (the SQLite
run, a test run by hand) files stay on local disk, and only `tests/storage` meets the server.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from config.settings import s3_storage

ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"


def suite_on_s3() -> bool:
    """Whether this run keeps every test's files on the S3-compatible server."""
    choice = os.environ.get("TEST_FILE_STORAGE", "local")
    if choice not in {"local", "s3"}:
        raise ValueError("TEST_FILE_STORAGE is 'local' or 's3'.")
    return choice == "s3"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def s3_server() -> Iterator[str]:
    """moto's standalone S3 server on a free loopback port; yields its endpoint."""
    port = _free_port()
    server = subprocess.Popen(  # fixed command, no outside input
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded machine starts it slowly
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
        region_name=REGION,
    )


class Bucket:
    """A bucket of the test server, and the project's storages configured in it."""

    def __init__(self, endpoint: str, name: str = "") -> None:
        self.endpoint = endpoint
        self.name = name or f"charte-{uuid.uuid4().hex[:12]}"
        self.client = bucket_client(endpoint)
        self.client.create_bucket(Bucket=self.name)

    def storages(self, base: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """`base` (settings.STORAGES) with uploads and archives in this bucket, as production
        configures them (`config.settings.s3_storage`), but for the server and bucket."""
        storages = dict(base)
        for alias, location in (("default", "media"), ("archives", "archives")):
            storage = s3_storage(location)
            storage["OPTIONS"].update(
                bucket_name=self.name,
                endpoint_url=self.endpoint,
                region_name=REGION,
                access_key=ACCESS_KEY,
                secret_key=SECRET_KEY,
            )
            storages[alias] = storage
        return storages

    def names(self) -> list[str]:
        """Every object in the bucket, as "media/..." or "archives/..."."""
        names = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name):
            names += [item["Key"] for item in page.get("Contents", [])]
        return sorted(names)

    def delete(self, names: "set[str] | list[str]") -> None:
        names = sorted(names)
        for start in range(0, len(names), 1000):
            self.client.delete_objects(
                Bucket=self.name,
                Delete={"Objects": [{"Key": name} for name in names[start : start + 1000]]},
            )
