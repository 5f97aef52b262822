"""The exchange's test world (requests reached through the real services) for the reports."""

import io

import pytest
from docx import Document

from tests.exchange.conftest import make_request, media_root, world  # noqa: F401


def docx_text(content: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line, as python-docx reads them."""
    document = Document(io.BytesIO(content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def docx_footer_xml(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return document.sections[0].footer._element.xml


@pytest.fixture
def open_docx():
    return docx_text
