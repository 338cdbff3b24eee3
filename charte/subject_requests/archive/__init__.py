"""The access and portability archive, built from the registry alone.

Design:
- What goes in is what the registry declares: for every declared model, the rows that its
  subject paths lead to from the person, with every declared field (access, GDPR art. 15), or
  only the fields the person provided or whose activity produced them (portability, art. 20).
  Nothing here names an app: a model declared tomorrow is in tomorrow's archives.
- Two generic exclusions, the same for every model: primary keys (internal numbers, and for a
  session its bearer secret) and the `credentials` category (a password hash is useless to the
  person and dangerous in a file that travels). Links to other rows are given by public id.
- One pass over the database, streamed: each model's rows are read through Django's chunked
  cursor, turned into JSON and CSV a chunk at a time by a function generated for the model
  (`conversion.chunk_converter`), and written at once: the JSON document and one CSV per model
  deflated by ISA-L side by side, hashed on the way for the manifest, their deflated bytes
  waiting in spooled files until the ZIP takes them as they are (`zip`); the HTML view's tables
  as text. Memory holds one chunk of rows, whatever the number of rows.
- The HTML view is one self-contained file (inline CSS, no script, no link out): a parent can
  open it without a network. It shows at most HTML_ROWS rows per kind of record; the JSON and
  CSV files hold every row, and the page says so. It and the read-me speak to whom the archive
  is for (`Addressee`): the person themself, in "tu" for a pupil, or whoever asked for them (a
  guardian, an heir), in "vous", the person then named in the third person.
- The art. 15 information (purposes, legal bases, categories, recipients and disclosures,
  retention, sources, transfers, the right to complain to the CNIL) comes from the register
  through `published_register()`, the same document the public charter shows.

Modules by job: `columns` (what goes in, and reading it), `conversion` (values to JSON and CSV
text, by generated converters: docs/decisions/0010-generated-archive-converters.md),
`information` (art. 15), `html` (the page people read), `zip` (the archive and its manifest).
"""

from charte.subject_requests.archive.columns import (
    ACCESS,
    CHUNK,
    PORTABILITY,
    Column,
    chunks_of,
    columns,
    exported,
)
from charte.subject_requests.archive.conversion import cell_for, chunk_converter
from charte.subject_requests.archive.html import HTML_ROWS, Addressee
from charte.subject_requests.archive.information import information
from charte.subject_requests.archive.zip import ArchiveResult, build

__all__ = [
    "ACCESS",
    "CHUNK",
    "HTML_ROWS",
    "PORTABILITY",
    "Addressee",
    "ArchiveResult",
    "Column",
    "build",
    "cell_for",
    "chunk_converter",
    "chunks_of",
    "columns",
    "exported",
    "information",
]
