"""Checks on uploaded attachments: size, count and type.

The type is decided from the file's name and confirmed by its first bytes; what the browser
claims (``UploadedFile.content_type``) is never trusted. Office files (zip archives) must also
have their type's structure and a bounded unpacked size (``common.archives``). The accepted
types and limits are the ``EXCHANGE_ATTACHMENT_*`` and ``UPLOAD_ARCHIVE_*`` settings.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from openimi.common.archives import check_office_archive, is_office_archive
from openimi.common.errors import ApplicationError

# Extension -> content type, and the first bytes a real file of that type starts with.
_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_ZIP = (b"PK\x03\x04",)
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _ZIP,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _ZIP,
    "application/vnd.oasis.opendocument.text": _ZIP,
    "application/vnd.oasis.opendocument.spreadsheet": _ZIP,
}


class AttachmentError(ApplicationError):
    """The file is too large, of a type not accepted, or one too many."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str


def check_upload(file: UploadedFile, *, existing_count: int = 0) -> CheckedFile:
    """Check one upload against the limits; returns its clean name, type, size and hash."""
    name = PurePath((file.name or "").replace("\\", "/")).name.strip()
    if not name:
        raise AttachmentError(_("The file has no name."), field="file")
    if existing_count >= settings.EXCHANGE_ATTACHMENT_MAX_COUNT:
        raise AttachmentError(
            _("A request can have at most %(count)d attachments.")
            % {"count": settings.EXCHANGE_ATTACHMENT_MAX_COUNT},
            field="file",
        )
    size = file.size or 0
    if size == 0:
        raise AttachmentError(_("The file is empty."), field="file")
    if size > settings.EXCHANGE_ATTACHMENT_MAX_BYTES:
        raise AttachmentError(
            _("The file is larger than %(limit)s MB.")
            % {"limit": f"{settings.EXCHANGE_ATTACHMENT_MAX_BYTES / 1024 / 1024:g}"},
            field="file",
        )
    content_type = _TYPES.get(PurePath(name).suffix.lower(), "")
    if content_type not in settings.EXCHANGE_ATTACHMENT_CONTENT_TYPES:
        raise AttachmentError(
            _("Files of this type cannot be attached. Accepted: %(types)s.")
            % {"types": ", ".join(accepted_extensions())},
            field="file",
        )
    digest = hashlib.sha256()
    head = b""
    file.seek(0)
    for chunk in file.chunks():
        if len(head) < 16:
            head += chunk[:16]
        digest.update(chunk)
    file.seek(0)
    if not _looks_like(content_type, head, file):
        raise AttachmentError(_("The content of the file does not match its type."), field="file")
    suffix = PurePath(name).suffix
    if is_office_archive(suffix):
        try:
            check_office_archive(file, suffix)
        except ApplicationError as refused:
            raise AttachmentError(refused.message, field="file") from refused
    return CheckedFile(
        name=name[:255], content_type=content_type, size=size, sha256=digest.hexdigest()
    )


def accepted_extensions() -> list[str]:
    allowed = set(settings.EXCHANGE_ATTACHMENT_CONTENT_TYPES)
    return sorted(ext for ext, content_type in _TYPES.items() if content_type in allowed)


def _looks_like(content_type: str, head: bytes, file: UploadedFile) -> bool:
    if content_type == "text/plain":
        file.seek(0)
        data = file.read()
        file.seek(0)
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return head.startswith(_SIGNATURES[content_type])
