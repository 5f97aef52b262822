"""An FAQ page's body as HTML: plain text that the network administrator wrote, never HTML.

Blank lines separate paragraphs, a single line break stays a line break, and web addresses
and e-mail addresses become links. Everything else is escaped: no markup from users reaches a
page (no markdown library either: none is a dependency, and plain text is what the editors
write).
"""

import re

from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

_BLANK_LINE = re.compile(r"\n[ \t]*\n+")


def paragraphs(text: str) -> list[SafeString]:
    """``text`` as a list of HTML paragraph contents (escaped, with links)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    found = []
    for part in _BLANK_LINE.split(text):
        part = part.strip()
        if not part:
            continue
        html = urlize(part, nofollow=True, autoescape=True)
        html = html.replace("<a href=", '<a class="govuk-link" href=').replace("\n", "<br>\n")
        found.append(mark_safe(html))  # noqa: S308 - escaped by urlize(autoescape=True)
    return found
