"""A PDF of a Word report, where LibreOffice is installed (``libreoffice --headless``).

Each conversion runs with its own throw-away LibreOffice profile
(``-env:UserInstallation``): two conversions at once with a shared profile block each other,
and a profile left behind by a killed run must not break the next. Without LibreOffice the
pages offer no PDF link (``available()`` is False).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from openimi.common.errors import ApplicationError


def _binary() -> str | None:
    return shutil.which(settings.REPORTS_LIBREOFFICE)


def available() -> bool:
    """Whether PDFs can be made here."""
    return _binary() is not None


def docx_to_pdf(content: bytes) -> bytes:
    """The PDF of a .docx document; ``ApplicationError`` when the conversion fails."""
    binary = _binary()
    if binary is None:
        raise ApplicationError("LibreOffice is not installed: no PDF.")
    with tempfile.TemporaryDirectory(prefix="openimi-pdf-") as work:
        directory = Path(work)
        source = directory / "report.docx"
        source.write_bytes(content)
        profile = (directory / "profile").as_uri()
        try:
            subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [
                    binary,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(directory),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=settings.REPORTS_PDF_TIMEOUT_SECONDS,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as failed:
            raise ApplicationError("The PDF could not be made.") from failed
        result = directory / "report.pdf"
        if not result.exists():
            raise ApplicationError("The PDF could not be made.")
        return result.read_bytes()
