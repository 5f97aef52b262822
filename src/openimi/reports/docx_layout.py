"""The layout every openimi Word document shares: A4, a plain font, a title block, two-column
key/value tables, tables with a header row, and a footer with "Page X of Y" (PAGE and NUMPAGES
fields, which Word and LibreOffice fill in when they open or print the document).

Every text enters python-docx through ``_add_text`` (and the document's properties through
``xml_text``): stored text may hold characters XML cannot carry (a form feed or ESC pasted from
a PDF, text an import brought in), and a report must never fail on what is stored.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "Liberation Sans"
GREY = RGBColor(0x50, 0x5A, 0x5F)

# What XML 1.0 cannot carry: the C0 controls but tab, line feed and carriage return, lone
# surrogates, and the two non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Vertical tab and form feed break a line where they were; the others are dropped.
_BREAKS = {"\x0b": "\n", "\x0c": "\n"}


def xml_text(value: object) -> str:
    """``value`` as text Word can hold: the characters XML refuses are dropped (a vertical tab
    or form feed becomes a line break); everything a reader sees is kept."""
    return _NOT_XML.sub(lambda match: _BREAKS.get(match.group(), ""), str(value))


def _add_text(paragraph, text: object):
    """The one place text enters python-docx: a run holding ``text``, cleaned."""
    return paragraph.add_run(xml_text(text))


class Report:
    """A Word document being written; ``bytes()`` gives the .docx file."""

    def __init__(self, *, title: str, language: str, author: str = "", subtitle: str = ""):
        self.document = Document()
        # The template's own properties (created in 2013 by "python-docx") would be what an
        # archive records: today's date, the title and the person who made the file instead.
        now = timezone.now().replace(microsecond=0)
        properties = self.document.core_properties
        properties.title = xml_text(title)
        properties.language = xml_text(language)
        properties.author = properties.last_modified_by = xml_text(author or "openimi")
        properties.created = properties.modified = now
        properties.revision = 1
        properties.comments = properties.keywords = properties.subject = ""
        properties.category = ""
        section = self.document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
        _one_font(self.document)
        normal = self.document.styles["Normal"]
        normal.font.size = Pt(10.5)
        for name in ("Title", "Heading 1", "Heading 2"):
            self.document.styles[name].font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        footer = self.document.styles["Footer"]
        footer.font.size, footer.font.color.rgb = Pt(9), GREY
        self._page_footer(section)
        self.heading(title, level=0)
        if subtitle:
            self.paragraph(subtitle, grey=True)

    # --- blocks ---------------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1) -> None:
        _add_text(self.document.add_heading("", level=level), text)

    def paragraph(self, text: str, *, bold: bool = False, grey: bool = False, lang: str = ""):
        paragraph = self.document.add_paragraph()
        run = _add_text(paragraph, text)
        run.bold = bold
        if grey:
            run.font.color.rgb = GREY
        if lang:
            _set_run_language(run, lang)
        return paragraph

    def warning(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        run = _add_text(paragraph, text)
        run.bold = True
        run.font.size = Pt(12)

    def bullets(self, lines: Iterable[str]) -> None:
        for line in lines:
            _add_text(self.document.add_paragraph(style="List Bullet"), line)

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        """A two-column table: label (bold) and value; rows with an empty value are left out."""
        rows = [(label, value) for label, value in rows if value not in (None, "")]
        if not rows:
            return
        table = self.document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        table.columns[0].width, table.columns[1].width = Cm(5.5), Cm(11.0)
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].width, cells[1].width = Cm(5.5), Cm(11.0)
            _add_text(cells[0].paragraphs[0], label).bold = True
            _add_text(cells[1].paragraphs[0], value)
        self.document.add_paragraph()

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A table with a header row repeated on every page."""
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            _add_text(cell.paragraphs[0], text).bold = True
        _repeat_header(table.rows[0])
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                _add_text(cell.paragraphs[0], text)
        self.document.add_paragraph()

    def signature_lines(self, labels: Sequence[str]) -> None:
        for label in labels:
            paragraph = self.document.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(18)
            _add_text(paragraph, f"{label}: ").bold = True
            paragraph.add_run("_" * 48)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    # --- the footer -----------------------------------------------------------------------------

    def _page_footer(self, section) -> None:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # "Page {page} of {pages}": the words translated, the numbers as Word fields.
        before, _sep, rest = _("Page {page} of {pages}").partition("{page}")
        middle, _sep, after = rest.partition("{pages}")
        for text, field in ((before, "PAGE"), (middle, "NUMPAGES"), (after, None)):
            if text:
                run = _add_text(paragraph, text)
                run.font.size = Pt(9)
                run.font.color.rgb = GREY
            if field:
                _add_field(paragraph, field)


_THEME_FONTS = [
    qn(f"w:{name}") for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
]
_FONT_SLOTS = [qn(f"w:{name}") for name in ("ascii", "hAnsi", "eastAsia", "cs")]
# The template's bullets are a private-use character of the Symbol font.
_BULLETS = {"\uf0b7": "\u2022", "\uf0a7": "\u25aa", "o": "\u25e6"}


def _one_font(document) -> None:
    """One font family throughout: every font the template names (the theme's Calibri and
    Cambria through the defaults and the headings, Courier, the Symbol bullets) becomes
    ``FONT``, for every script; the bullets become ordinary characters of that font."""
    numbering = document.part.numbering_part.element
    for root in (document.styles.element, numbering):
        for fonts in root.iter(qn("w:rFonts")):
            for name in (*_THEME_FONTS, qn("w:hint")):
                fonts.attrib.pop(name, None)
            for name in _FONT_SLOTS:
                fonts.set(name, FONT)
    for level in numbering.iter(qn("w:lvl")):
        text = level.find(qn("w:lvlText"))
        if text is not None and text.get(qn("w:val")) in _BULLETS:
            text.set(qn("w:val"), _BULLETS[text.get(qn("w:val"))])
    # The template also carries a copy of its styles for Word 2010 ("stylesWithEffects"),
    # with the theme fonts in it: dropped, Word reads styles.xml.
    for key, relationship in list(document.part.rels.items()):
        if relationship.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(key)


def _add_field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / "1" / end runs."""
    run = paragraph.add_run()
    run.font.size = Pt(9)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, shown, end):
        run._r.append(element)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _set_run_language(run, language: str) -> None:
    """Mark a run as written in ``language`` (spell checkers and screen readers use it)."""
    properties = run._r.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), xml_text(language))
    properties.append(lang)
