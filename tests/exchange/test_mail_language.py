"""An e-mail reaches a German, Polish or Greek civil servant entirely in their language: the
sentence, the labels, the status, the date with the month as their language writes it, and
the reference names in their language or, where the reference data lacks it, in English
(never a blank). Uses the translated catalogues of issue 18."""

from __future__ import annotations

import pytest
from babel.dates import format_date
from django.utils import translation

from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

LABELS = [
    "A new information request has arrived for your authority.",
    "Legislative area",
    "Requested reply date",
    "Open the request",
    "For the protection of personal data this e-mail contains no details of the case. "
    "Log in to openimi to read them.",
]


@pytest.mark.parametrize("language", ["de", "pl", "el"])
def test_a_new_request_is_announced_in_the_recipients_language(world, make_request, language):
    reader = world["resp_handler2"]
    reader.language = language
    reader.save(update_fields=["language"])
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    mail = OutboxMessage.objects.get(
        event_code="request.sent", recipient_email=reader.email, key__startswith="exchange:"
    )
    assert mail.language == language
    with translation.override(language):
        translated = [translation.gettext(label) for label in LABELS]
        status = str(State(info_request.status).label)
    for english, text in zip(LABELS, translated, strict=True):
        assert text != english, f"{language} has no translation of {english!r}"
        assert text in mail.body_text, text
        assert english not in mail.body_text
    assert status in mail.body_text
    long_date = format_date(info_request.reply_by, "long", locale=language)
    assert long_date in mail.body_text, (long_date, mail.body_text)
    area = info_request.area.names.get(language) or info_request.area.names["en"]
    assert f": {area}" in mail.body_text
    english_mail = OutboxMessage.objects.get(
        event_code="request.sent", recipient_email=world["resp_handler"].email
    )
    assert english_mail.language == "en" and mail.subject != english_mail.subject
