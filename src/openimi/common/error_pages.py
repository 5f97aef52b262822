"""The pages of a failure: 503 while the database cannot be reached, 500 for anything else.

Django's own answer is a bare English "Server Error (500)". These pages are in the visitor's
language, decided without the database (the language cookie, then the browser's
Accept-Language: ``translation.get_language_from_request``), and rendered without the request's
context processors, which would ask the database for the user. A database outage says so and
asks to try again (503 with ``Retry-After``: the same request can succeed once the database is
back); the API answers the same in JSON.
"""

from __future__ import annotations

import sys

from django import db
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 30


def server_error(request, *args, **kwargs) -> HttpResponse:
    """``handler500``: Django calls it inside the ``except`` of the failed request."""
    failure = sys.exc_info()[1]
    outage = isinstance(failure, db.OperationalError | db.InterfaceError)
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if outage:
            title = _("Sorry, openimi is not available right now")
            lines = [
                _("openimi cannot reach its database at the moment."),
                _("What you sent last was not saved. Please try again in a few minutes."),
            ]
            status = 503
        else:
            title = _("Sorry, there is a problem with openimi")
            lines = [
                _("What you sent last may not have been saved. Please try again later."),
                _("If this keeps happening, tell your local data administrator."),
            ]
            status = 500
        template = f"{status}.html"
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": " ".join([title + ".", *lines])}, status=status)
        else:
            response = HttpResponse(_page(request, template, language, title, lines), status=status)
    if outage:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response


def _page(request, template: str, language: str, title: str, lines: list[str]) -> str:
    context = {
        "language": language,
        "title": title,
        "lines": lines,
        "again": request.get_full_path() if request.method == "GET" else "",
    }
    try:
        return loader.render_to_string(template, context)
    except Exception:  # noqa: BLE001 - the page of last resort must not fail itself
        paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
        return (
            f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
            f"{paragraphs}</body></html>"
        )
