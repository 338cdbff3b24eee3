"""PDF documents: our templates become PDFs that a reader can read, and fetch nothing from outside."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.template import engines
from weasyprint import HTML

from charte.core import pdf, pdf_fetcher
from tests.helpers import pdf_text


def test_a_template_becomes_a_pdf_whose_text_reads_back(settings):
    document = pdf.render_pdf("core/pdf/base.html", {})
    assert document.startswith(b"%PDF-")
    template = engines["django"].from_string(
        "{% extends 'core/pdf/base.html' %}{% block content %}<h1>Bulletin de Anaïs Lefèvre</h1>"
        "<p>Période : trimestre 1</p>{% endblock %}"
    )
    html = template.render({})
    document = HTML(
        string=html, base_url=pdf.BASE_URL, url_fetcher=pdf_fetcher.StaticOnlyFetcher()
    ).write_pdf()
    text = pdf_text(document)
    assert "Bulletin de Anaïs Lefèvre" in text
    assert "Période : trimestre 1" in text


class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def outside_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.hits.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_document_fetches_nothing_outside_our_static_files(outside_server):
    html = (
        f'<link rel="stylesheet" href="{outside_server}/tracker.css">'
        f'<img src="{outside_server}/pixel.png"><img src="/etc/passwd">'
        '<link rel="stylesheet" href="/static/core/../../../../etc/passwd"><p>Bonjour</p>'
    )
    document = HTML(
        string=html, base_url=pdf.BASE_URL, url_fetcher=pdf_fetcher.StaticOnlyFetcher()
    ).write_pdf()
    assert document.startswith(b"%PDF-")
    assert Recorder.hits == []


def test_our_own_stylesheet_is_read_from_the_static_files():
    fetched = pdf_fetcher.StaticOnlyFetcher().fetch(pdf.BASE_URL + "static/core/pdf.css")
    assert b"@page" in fetched.read()
    with pytest.raises(pdf_fetcher.FetchRefused):
        pdf_fetcher.StaticOnlyFetcher().fetch(pdf.BASE_URL + "static/../settings.py")


def test_the_download_is_never_stored_and_its_name_is_safe():
    response = pdf.pdf_response(b"%PDF-1.7", '../bulletin "Anna".pdf', inline=False)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="bulletin_Anna.pdf"'
