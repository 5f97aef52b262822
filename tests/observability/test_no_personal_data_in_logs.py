"""No personal data in any log line (issue 20, item 4): a provider's identifiers go through
every form and API call that takes them, and through URLs' query strings, while every line
the process logs is captured twice: as records at DEBUG (``caplog``, before any filter) and
as the JSON log file an operator would keep (``LOG_FORMAT=json``, after the filters). Then
the e-mails those requests queued are delivered by the real worker. None of the identifiers,
nor any long word of them, may appear in either.

The access lines of gunicorn (with their query strings) are checked by
``test_gunicorn.py`` against a real gunicorn.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from openimi.exchange.models import InformationRequest
from tests.api.conftest import bearer

# A Dutch one-man business: name, registration numbers, a national id (BSN), e-mail.
IDENTIFIERS = {
    "provider_name": "Zwartewaal Loodgieters Vof",
    "legal_form": "Eenmanszaak",
    "registration_number": "KVK77001234",
    "vat_number": "NL001234567B99",
    "contact_person": "Griet Vermeulen",
    "street": "Havenkade 17",
    "postal_code": "3125BX",
    "city": "Zwartewaal",
    "place_of_birth": "Brielle",
    "email": "griet@zwartewaal-loodgieters.example",
    "phone": "+31 181 555 012",
    "website": "https://zwartewaal-loodgieters.example/",
    "other_details": "Burgerservicenummer 123456782",
}
NATIONAL_ID = "123456782"
DATE_OF_BIRTH = "1971-03-09"


def _terms() -> list[str]:
    values = [*IDENTIFIERS.values(), NATIONAL_ID, DATE_OF_BIRTH, "09-03-1971"]
    words = [word for value in values for word in value.split() if len(word) > 5]
    return sorted({term.lower() for term in values + words})


def _step(pk: int, step: str) -> str:
    return reverse("exchange:compose_step", args=[pk, step])


def _through_the_pages(client, world) -> None:
    client.force_login(world["handler"])
    client.post(reverse("exchange:compose"), {"question_set": world.question_set.pk})
    info_request = InformationRequest.objects.order_by("-pk").first()
    questions = list(world.question_set.questions.order_by("position")[:2])
    client.post(_step(info_request.pk, "questions"), {"questions": [q.pk for q in questions]})
    # First with a date of birth in the future (refused, the form comes back with the data),
    # then right.
    refused = client.post(
        _step(info_request.pk, "provider"), {**IDENTIFIERS, "date_of_birth": "2999-01-01"}
    )
    assert refused.status_code == 200 and IDENTIFIERS["registration_number"] in refused.text
    client.post(_step(info_request.pk, "provider"), {**IDENTIFIERS, "date_of_birth": DATE_OF_BIRTH})
    client.post(
        _step(info_request.pk, "justification"),
        {"justification": "Licence check.", "justification_language": "en"},
    )
    client.post(_step(info_request.pk, "recipient"), {"responding_authority": world.responding.pk})
    reply_by = timezone.localdate() + dt.timedelta(days=20)
    client.post(
        _step(info_request.pk, "reply-date"),
        {"day": reply_by.day, "month": reply_by.month, "year": reply_by.year},
    )
    sent = client.post(reverse("exchange:send", args=[info_request.pk]))
    assert sent.status_code == 302
    info_request.refresh_from_db()
    assert info_request.status == "awaiting_acceptance"
    assert info_request.personal_data.registration_number == IDENTIFIERS["registration_number"]


def _through_the_searches(client, world) -> None:
    client.force_login(world["lda"])
    for criteria in (
        {"name": IDENTIFIERS["provider_name"]},
        {"registration_number": IDENTIFIERS["registration_number"]},
        {"vat_number": IDENTIFIERS["vat_number"]},
        {"email": IDENTIFIERS["email"]},
        {"date_of_birth": DATE_OF_BIRTH},
    ):
        found = client.post(reverse("privacy:subjects"), criteria, follow=True)
        assert "1 request found" in found.text, criteria
    # A search with an error keeps what was typed.
    wrong = client.post(
        reverse("privacy:subjects"), {"name": IDENTIFIERS["provider_name"], "date_of_birth": "x"}
    )
    assert wrong.status_code == 200
    # Identifiers in query strings, as a careless link or a bookmark would carry them.
    query = urlencode({"q": IDENTIFIERS["provider_name"], "email": IDENTIFIERS["email"]})
    for url in (
        reverse("authorities:search"),
        reverse("exchange:list"),
        "/no/such/page/",  # a 404: django.request logs it
        "/api/v1/requests/",  # the API with a session and no token
    ):
        client.get(f"{url}?{query}&bsn={NATIONAL_ID}")


def _through_the_api(world) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=bearer(world["handler"]))
    questions = list(world.question_set.questions.order_by("position")[:1])
    draft = api.post(
        "/api/v1/requests/",
        {
            "area": world.area.pk,
            "question_set": world.question_set.pk,
            "questions": [q.pk for q in questions],
            "responding_authority": world.responding.pk,
            "reply_by": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
            "justification": "Permit check.",
            "justification_language": "en",
        },
        format="json",
    )
    assert draft.status_code == 201, draft.content
    pk = draft.json()["id"]
    url = f"/api/v1/requests/{pk}/personal-data/"
    refused = api.put(url, {**IDENTIFIERS, "email": "not an address"}, format="json")
    assert refused.status_code == 400
    stored = api.put(url, {**IDENTIFIERS, "date_of_birth": DATE_OF_BIRTH}, format="json")
    assert stored.status_code == 200, stored.content
    assert api.post(f"/api/v1/requests/{pk}/send/").status_code == 200
    # The API's list with identifiers in its query string.
    api.get("/api/v1/requests/", {"q": IDENTIFIERS["provider_name"], "bsn": NATIONAL_ID})


@pytest.mark.django_db(transaction=True)  # the worker commits, as in production
def test_no_identifier_reaches_any_log_line(client, world, caplog, log_file, smtp_sink):
    caplog.set_level(logging.DEBUG)
    _through_the_pages(client, world)
    _through_the_searches(client, world)
    _through_the_api(world)
    # The e-mails those requests caused, delivered by the real worker (its lines too).
    call_command("worker", batch=True, interval=0, verbosity=1, sweeper=False)
    assert smtp_sink.messages  # something was delivered: the worker did run

    logged = log_file.text()
    assert '"logger": "django.request"' in logged  # the 404 above was logged
    assert '"logger": "django.tasks"' in logged  # and the worker's task lines
    records = "\n".join(
        f"{record.getMessage()}\n{record.exc_text or ''}" for record in caplog.records
    )
    assert len(caplog.records) > 20
    for term in _terms():
        assert term not in logged.lower(), (term, "in the log file")
        assert term not in records.lower(), (term, "in a log record")
