"""Free text shown to a reader who may not share its language carries the language it was
written in (WCAG 3.1.2), and the page itself is in the reader's language (3.1.1): the request
page as the German side reads a Dutch request, and the help page's coordinators."""

import re

import pytest
from django.urls import reverse

from openimi.exchange.models import InformationRequest
from openimi.exchange.workflow import State

pytestmark = pytest.mark.django_db


def _lang_of(html: str, text: str) -> str | None:
    """The lang of the element whose content starts with ``text``."""
    found = re.search(r'<[a-z]+\b[^>]*\slang="([^"]*)"[^>]*>' + re.escape(text), html)
    return found[1] if found else None


def test_the_german_side_reads_a_dutch_request(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    InformationRequest.objects.filter(pk=info_request.pk).update(
        justification="Jansen vraagt een bouwvergunning aan.", justification_language="nl"
    )
    client.force_login(world["resp_handler"])
    html = client.get(
        reverse("exchange:detail", args=[info_request.pk]), HTTP_ACCEPT_LANGUAGE="de"
    ).text
    assert re.search(r'<html lang="de"', html)
    assert _lang_of(html, "Jansen vraagt een bouwvergunning aan.") == "nl"
    assert _lang_of(html, "Bouwbedrijf Jansen B.V.") == "nl"  # the personal data
    # The authorities in the timeline and the header, each in its own language.
    assert re.search(r'<span lang="nl">Gemeente Oeteldonk</span>', html)
    assert re.search(r'class="openimi-header__authority" lang="de"', html)
