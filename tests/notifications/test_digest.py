# ruff: noqa: F811 - the fixtures imported above are parameters of the tests
"""The daily digest: a user chooses it on their own details page; news about requests is then
held in the outbox (never lost) and goes out as one e-mail a day, at the configured hour, in
the user's language, once. Reminders, escalations and account e-mails always go at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from openimi.accounts.users.services import user_reset_password
from openimi.deadlines.services import deadline_check
from openimi.exchange import services
from openimi.exchange.workflow import State
from openimi.notifications.digest import ensure_digest_scheduled, next_digest_at
from openimi.notifications.models import NotificationPreference, OutboxMessage
from openimi.notifications.services import (
    digest_key,
    digest_run,
    notification_preference_set,
)
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401

Status = OutboxMessage.Status
DIGEST = NotificationPreference.Frequency.DAILY_DIGEST
IMMEDIATE = NotificationPreference.Frequency.IMMEDIATE
PREFERENCES = reverse("accounts:preferences")


def checked(page: str) -> list[str]:
    """The values of the checked e-mail frequency radios."""
    inputs = re.findall(r"<input[^>]*name=\"email_frequency\"[^>]*>", page)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if "checked" in tag]


def statuses(user) -> dict[str, str]:
    """event code -> status of the e-mails to ``user``."""
    return dict(
        OutboxMessage.objects.filter(recipient_user=user).values_list("event_code", "status")
    )


# --- The choice, on the user's own details page ---------------------------------------------


@pytest.mark.django_db
def test_a_user_chooses_the_daily_digest_on_their_details_page(client, world):
    user = world["resp_handler"]
    client.force_login(user)
    page = client.get(PREFERENCES).content.decode()
    assert "E-mails about information requests" in page
    assert checked(page) == ["immediate"]

    response = client.post(
        PREFERENCES, {"language": "en", "phone": "", "email_frequency": "daily_digest"}
    )
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=user).email_frequency == DIGEST
    page = client.get(PREFERENCES).content.decode()
    assert checked(page) == ["daily_digest"]


@pytest.mark.django_db
def test_a_wrong_choice_is_an_error_and_keeps_what_was_typed(client, world):
    client.force_login(world["resp_handler"])
    response = client.post(
        PREFERENCES, {"language": "en", "phone": "+49 221 555", "email_frequency": "hourly"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "+49 221 555" in page
    assert not NotificationPreference.objects.exists()


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.post(PREFERENCES, {"language": "en", "email_frequency": "daily_digest"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not NotificationPreference.objects.exists()


@pytest.mark.django_db
def test_the_choice_is_the_users_own(client, world):
    """The page has no user in its address: saving changes only the logged-in user."""
    client.force_login(world["resp_handler"])
    client.post(PREFERENCES, {"language": "en", "email_frequency": "daily_digest"})
    assert list(NotificationPreference.objects.values_list("user", flat=True)) == [
        world["resp_handler"].pk
    ]


# --- Held or immediate, by kind -------------------------------------------------------------


@pytest.mark.django_db
def test_request_news_is_held_reminders_and_passwords_are_not(world, make_request, clock, settings):
    settings.DEADLINES_REMINDER_DAYS = [2]
    digest_user, other = world["resp_handler"], world["resp_handler2"]
    notification_preference_set(user=digest_user, email_frequency=DIGEST)

    info_request = make_request(State.AWAITING_ACCEPTANCE)  # news for both handlers
    assert statuses(digest_user) == {"request.sent": Status.HELD}
    assert statuses(other) == {"request.sent": Status.PENDING}
    general = OutboxMessage.objects.get(recipient_user=None, event_code="request.sent")
    assert general.status == Status.PENDING  # an authority's address has no preference
    held = OutboxMessage.objects.get(recipient_user=digest_user)
    assert held.link.endswith(reverse("exchange:detail", args=[info_request.pk]))

    clock.advance(days=5)  # two days before the acceptance deadline
    assert deadline_check().reminders
    assert statuses(digest_user)["deadline.reminder"] == Status.PENDING

    user_reset_password(actor=world["resp_lda"], user=digest_user)
    assert statuses(digest_user)["account.temporary_password"] == Status.PENDING


@pytest.mark.django_db
def test_held_emails_are_not_failed_ones(client, world, make_request):
    notification_preference_set(user=world["resp_handler"], email_frequency=DIGEST)
    make_request(State.AWAITING_ACCEPTANCE)
    assert OutboxMessage.objects.filter(status=Status.HELD).exists()
    client.force_login(world["resp_lda"])
    page = client.get(reverse("notifications:failed")).content.decode()
    assert world["resp_handler"].email not in page


@pytest.mark.django_db
def test_going_back_to_immediate_releases_what_was_held(world, make_request):
    user = world["resp_handler"]
    notification_preference_set(user=user, email_frequency=DIGEST)
    make_request(State.AWAITING_ACCEPTANCE)
    notification_preference_set(user=user, email_frequency=IMMEDIATE)
    assert statuses(user) == {"request.sent": Status.PENDING}


# --- The digest, delivered --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_one_digest_with_every_held_email_at_the_digest_hour(
    world, make_request, smtp_sink, clock, run_worker, settings
):
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    user = world["resp_handler"]
    notification_preference_set(user=user, email_frequency=DIGEST)
    first = make_request(State.AWAITING_ACCEPTANCE)
    services.request_withdraw(info_request=first, actor=world["handler"])
    second = make_request(State.AWAITING_ACCEPTANCE)
    held = list(OutboxMessage.objects.filter(recipient_user=user).order_by("created_at", "pk"))
    assert [m.status for m in held] == [Status.HELD] * 3

    assert ensure_digest_scheduled() is True
    assert ensure_digest_scheduled() is False  # one queued run is enough
    run_worker()  # the immediate e-mails go; the digest waits for seven o'clock
    assert user.email not in {r for d in smtp_sink.deliveries for r in d.rcpt_tos}

    seven = next_digest_at(clock.now)
    assert timezone.localtime(seven).hour == 7 and seven > clock.now
    clock.now = seven - dt.timedelta(minutes=1)
    run_worker()
    assert not OutboxMessage.objects.filter(event_code="notifications.digest").exists()

    clock.now = seven + dt.timedelta(seconds=5)
    smtp_sink.deliveries.clear()
    run_worker()
    run_worker()  # the digest's own delivery, if the first batch ended before it
    (delivery,) = smtp_sink.deliveries
    assert delivery.rcpt_tos == [user.email]
    mail = delivery.message
    assert mail["Subject"] == "openimi daily summary: 3 notifications"
    body = mail.get_content()
    for message in held:
        assert message.subject in body and message.link in body
    for info_request in (first, second):
        assert reverse("exchange:detail", args=[info_request.pk]) in body
    digest = OutboxMessage.objects.get(key=digest_key(user.pk, timezone.localdate(seven)))
    assert digest.status == Status.SENT
    assert set(OutboxMessage.objects.filter(recipient_user=user, digest=digest)) == set(held)
    assert {m.status for m in digest.digested_messages.all()} == {Status.DIGESTED}

    # Run again (by hand, or a duplicate task): nothing more goes out.
    assert digest_run() == 0
    run_worker(sweeper=True)
    run_worker()
    assert len(smtp_sink.deliveries) == 1


@pytest.mark.django_db
def test_running_twice_on_a_day_writes_one_digest(world, make_request, clock):
    user = world["resp_handler"]
    notification_preference_set(user=user, email_frequency=DIGEST)
    make_request(State.AWAITING_ACCEPTANCE)
    assert digest_run() == 1
    assert digest_run() == 0
    # Held after today's digest went: it waits for tomorrow's, it is not lost.
    make_request(State.AWAITING_ACCEPTANCE)
    assert digest_run() == 0
    assert OutboxMessage.objects.filter(recipient_user=user, status=Status.HELD).count() == 1
    clock.advance(days=1)
    assert digest_run() == 1
    assert OutboxMessage.objects.filter(event_code="notifications.digest").count() == 2
    assert not OutboxMessage.objects.filter(recipient_user=user, status=Status.HELD).exists()


@pytest.mark.django_db
def test_the_digest_is_in_the_users_language(world, make_request, clock):
    user = world["resp_handler"]
    user.language = "nl"
    user.save(update_fields=["language"])
    notification_preference_set(user=user, email_frequency=DIGEST)
    make_request(State.AWAITING_ACCEPTANCE)
    digest_run()
    digest = OutboxMessage.objects.get(event_code="notifications.digest")
    assert digest.language == "nl"
    held = OutboxMessage.objects.get(recipient_user=user, status=Status.DIGESTED)
    assert held.language == "nl" and held.subject in digest.body_text
    # The interface texts are translated by the lead afterwards; the date shows the language.
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus"]
    months += ["september", "oktober", "november", "december"]
    today = timezone.localdate()
    assert f"{today.day} {months[today.month - 1]} {today.year}" in digest.body_text


@pytest.mark.django_db
def test_held_emails_of_a_deactivated_user_are_cancelled(world, make_request):
    user = world["resp_handler"]
    notification_preference_set(user=user, email_frequency=DIGEST)
    make_request(State.AWAITING_ACCEPTANCE)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert digest_run() == 0
    assert statuses(user) == {"request.sent": Status.CANCELLED}
