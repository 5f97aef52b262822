"""The structure check of office files, which are zip archives (.docx, .xlsx, .odt, .ods).

Their first bytes are those of any zip archive, so the name and the signature alone let any
archive through. Before one is accepted (an attachment, the rollout table) it must:

- open as a zip archive whose parts pass their checksums (each part is read, never more than
  the size its entry declares, so reading is bounded by the limit below);
- hold the parts its type always has: ``[Content_Types].xml`` and ``word/document.xml`` (Word)
  or ``xl/workbook.xml`` (Excel); for OpenDocument a first entry ``mimetype`` naming exactly the
  type of the file's extension, and ``content.xml``;
- unpack to at most ``UPLOAD_ARCHIVE_MAX_UNPACKED_BYTES`` in at most
  ``UPLOAD_ARCHIVE_MAX_ENTRIES`` entries (a "zip bomb" of 200 MB of zeros packs into 200 KB).
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openimi.common.errors import ApplicationError


@dataclass(frozen=True)
class _Kind:
    label: object  # a lazy translation: the kind of document, as people call it
    parts: tuple[str, ...]
    mimetype: str | None = None  # OpenDocument's first entry


_KINDS: dict[str, _Kind] = {
    ".docx": _Kind(gettext_lazy("Word"), ("[Content_Types].xml", "word/document.xml")),
    ".xlsx": _Kind(gettext_lazy("Excel"), ("[Content_Types].xml", "xl/workbook.xml")),
    ".odt": _Kind(
        gettext_lazy("OpenDocument text"),
        ("content.xml",),
        "application/vnd.oasis.opendocument.text",
    ),
    ".ods": _Kind(
        gettext_lazy("OpenDocument spreadsheet"),
        ("content.xml",),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
}

# What a damaged or forged archive makes the zip reader raise.
_UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    KeyError,
    NotImplementedError,  # a compression method Python does not have
    OSError,
    RuntimeError,  # an encrypted part
    ValueError,
)


class ArchiveError(ApplicationError):
    """The office file is not the archive its name says (``code`` "not_the_type"), or unpacks
    to too much ("too_large", "too_many_parts")."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, field="file")
        self.code = code


def is_office_archive(suffix: str) -> bool:
    return suffix.lower() in _KINDS


def check_office_archive(file: IO[bytes], suffix: str) -> None:
    """Refuse (``ArchiveError``, at the field ``file``) an office file of extension
    ``suffix`` whose archive is damaged, lacks its type's parts or unpacks to too much."""
    kind = _KINDS[suffix.lower()]
    not_the_type = ArchiveError(
        _("The file is not a real %(kind)s document: it may be damaged.") % {"kind": kind.label},
        code="not_the_type",
    )
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            _check_bounds(entries)
            names = {entry.filename for entry in entries}
            if not all(part in names for part in kind.parts):
                raise not_the_type
            if kind.mimetype is not None and (
                entries[0].filename != "mimetype"
                or archive.read(entries[0]) != kind.mimetype.encode("ascii")
            ):
                raise not_the_type
            for entry in entries:
                _read_through(archive, entry)
    except ArchiveError:
        raise
    except _UNREADABLE as unreadable:
        raise not_the_type from unreadable
    finally:
        file.seek(0)


def _check_bounds(entries: list[zipfile.ZipInfo]) -> None:
    limit = settings.UPLOAD_ARCHIVE_MAX_ENTRIES
    if len(entries) > limit:
        raise ArchiveError(
            _("The file holds more than %(count)s parts, which is more than openimi accepts.")
            % {"count": limit},
            code="too_many_parts",
        )
    limit = settings.UPLOAD_ARCHIVE_MAX_UNPACKED_BYTES
    if sum(entry.file_size for entry in entries) > limit:
        raise ArchiveError(
            _("The file unpacks to more than %(limit)s MB, which is more than openimi accepts.")
            % {"limit": f"{limit / 1024 / 1024:g}"},
            code="too_large",
        )


def _read_through(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Unpack one part without keeping it: the reader stops at the declared size and checks
    the CRC at the end, so a part that lies about its size or content fails here."""
    with archive.open(entry) as part:
        while part.read(1024 * 1024):
            pass
