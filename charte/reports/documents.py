"""The PDFs of the individual reports: one pupil's, drawn from its template, and a class's,
put together from the reports stored for a printing (one report per page break)."""

import io
import logging

from django.utils import translation

from charte.accounts.models import User
from charte.core import pdf
from charte.reports.models import PrintedReport
from charte.reports.queries import Period, pupil_report_context

logger = logging.getLogger(__name__)


def pupil_pdf(*, viewer: User, pupil: User, period: Period, language: str) -> bytes:
    """A pupil's individual report as `viewer` reads it, in `language`."""
    with translation.override(language):
        return pdf.render_pdf("reports/pupil_pdf.html", pupil_report_context(viewer, pupil, period))


def class_pdf(reports: list[PrintedReport]) -> bytes:
    """The stored reports as one document, in their order; each starts on a new page (and on
    a right-hand page, so that a class printed on both sides can be handed out sheet by sheet)."""
    from pypdf import PdfWriter  # imported by the process that joins reports, not by every one

    writer = PdfWriter()
    for report in reports:
        try:
            with report.open() as stored:
                content = stored.read()
        except FileNotFoundError:
            logger.warning("A printed report's file is missing from the storage: left out.")
            continue
        if len(writer.pages) % 2:
            last = writer.pages[-1]
            writer.add_blank_page(width=last.mediabox.width, height=last.mediabox.height)
        writer.append(io.BytesIO(content))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
