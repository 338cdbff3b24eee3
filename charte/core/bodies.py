"""How much a request may send: checked before its body is read, and again while files stream in.

Design:
- Every page accepts a body of `CHARTE_MAX_BODY_BYTES` (the form's fields); a page that takes
  files says how many with `@accepts_files(n)` and accepts n files of
  `CHARTE_UPLOAD_MAX_FILE_BYTES` more. `BodyLimitMiddleware` compares the request's
  Content-Length with its page's limit before anything reads the body (the CSRF check reads the
  form only after every middleware has seen the request), and answers 413 with a page in
  words, or a JSON error for the API. Nothing of the body is read, stored or parsed.
- Within that limit, `LimitedUploadHandler` counts each file's bytes as they arrive: a file
  past the per-file limit is no longer written anywhere (what was written is dropped) and
  reaches the form as an `OversizeUpload` of its true size, which the form refuses with a
  message next to the field. The whole body is counted too, should a server hand Django more
  than the Content-Length it announced.
- Fields beyond DATA_UPLOAD_MAX_MEMORY_SIZE, which Django refuses while parsing, get the same
  413 page (see `charte.core.views.bad_request`).
Behind the proxy, its own limit (client_max_body_size) must stay above the largest of ours, so
that people read our page rather than the proxy's (docs/deploy.md).
"""

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

FILES_ATTRIBUTE = "charte_accepts_files"


def accepts_files[V: Callable[..., Any]](count: int) -> Callable[[V], V]:
    """Mark a view (outermost decorator) as taking up to `count` files in one request."""

    def mark(view: V) -> V:
        setattr(view, FILES_ATTRIBUTE, count)
        return view

    return mark


def files_accepted(request: HttpRequest) -> int:
    """How many files the page this request goes to takes (0 when it takes none)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return 0
    return int(getattr(match.func, FILES_ATTRIBUTE, 0))


def body_limit(files: int) -> int:
    return settings.CHARTE_MAX_BODY_BYTES + files * settings.CHARTE_UPLOAD_MAX_FILE_BYTES


def content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class BodyTooLarge(RequestDataTooBig):
    """More bytes arrived than the page accepts (counted while streaming)."""


def too_large(request: HttpRequest, *, size: int | None, files: int) -> HttpResponse:
    """The 413 answer: what was sent, what the page accepts, and that nothing was kept."""
    limit = body_limit(files)
    file_max = settings.CHARTE_UPLOAD_MAX_FILE_BYTES
    if request.path.startswith("/api/") or "application/json" in request.META.get(
        "HTTP_ACCEPT", ""
    ):
        return JsonResponse(
            {
                "detail": _("Envoi trop volumineux : %(max)s au plus.")
                % {"max": filesizeformat(limit)},
                "code": "too_large",
                "max_bytes": limit,
            },
            status=413,
        )
    return render(
        request,
        "core/too_large.html",
        {
            "size": size,
            "limit": limit,
            "files": files,
            "file_max": file_max,
            # Only a page of ours that takes files is offered again (it resolved to one).
            "form_path": request.path if files else "",
        },
        status=413,
    )


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        size = content_length(request)
        files = 0
        if size > settings.CHARTE_MAX_BODY_BYTES:
            files = files_accepted(request)
            if size > body_limit(files):
                return too_large(request, size=size, files=files)
        request.charte_body_limit = body_limit(files)  # type: ignore[attr-defined]
        return self.get_response(request)


class OversizeUpload(UploadedFile):
    """A file that went past the per-file limit: its name and true size, none of its content."""

    def __init__(self, *, name: str, size: int, content_type: str, field_name: str) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size, None, None)
        self.field_name = field_name
        self.oversize = True


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: counts bytes and stops keeping a file past the limit."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        self.limit = getattr(self.request, "charte_body_limit", settings.CHARTE_MAX_BODY_BYTES)
        self.total = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file_bytes = 0
        self.oversize = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.total += len(raw_data)
        self.file_bytes += len(raw_data)
        if self.total > self.limit:
            self._drop_partial_files()
            raise BodyTooLarge("The upload went past the page's limit while streaming.")
        if self.file_bytes > settings.CHARTE_UPLOAD_MAX_FILE_BYTES:
            if not self.oversize:
                self.oversize = True
                self._drop_partial_files()
            return None  # the handlers after this one receive nothing more of this file
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.oversize:
            return None  # the next handler (memory or temporary file) hands the file over
        return OversizeUpload(
            name=str(self.file_name or ""),
            size=self.file_bytes,
            content_type=str(self.content_type or ""),
            field_name=str(self.field_name or ""),
        )

    def _drop_partial_files(self) -> None:
        for handler in self.request.upload_handlers if self.request else ():
            partial = getattr(handler, "file", None)
            if handler is not self and partial is not None and not partial.closed:
                partial.close()  # a temporary file is deleted as it closes
