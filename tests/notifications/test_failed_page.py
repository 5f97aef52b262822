# ruff: noqa: F811 - the browser fixtures imported above are parameters of a test
"""Administration → E-mails not delivered: the local data administrators of the authority see
their failed deliveries with the reason and send one again; nobody else sees or resends."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from openimi.common.errors import PermissionDenied
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue, outbox_resend
from tests.browser.conftest import browser_type_launch_args, login_as  # noqa: F401
from tests.factories import LanguageFactory

Status = OutboxMessage.Status
LIST = reverse("notifications:failed")


@pytest.fixture(autouse=True)
def english(db):
    return LanguageFactory(code="en", names={"en": "English", "nl": "Engels"})


def failed(authority, n: int = 1, reason: str = "SMTPRecipientsRefused: 550 Mailbox unavailable"):
    messages = []
    for i in range(n):
        message = outbox_enqueue(
            key=f"test:{authority.pk}:{i}",
            recipient_email=f"gone{i}@{authority.pk}.example",
            subject=f"New information request {i}",
            body_text="Text",
            authority=authority,
        )
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=Status.FAILED, attempts=8, last_error=reason
        )
        messages.append(message)
    return messages


def resend_url(message):
    return reverse("notifications:resend", kwargs={"pk": message.pk})


def test_the_administrator_sees_the_failed_emails_with_the_reason(client, lda, authority):
    (message,) = failed(authority)
    client.force_login(lda)
    page = client.get(LIST).content.decode()
    assert "gone0@" in page and "550 Mailbox unavailable" in page and "Send again" in page


def test_the_list_shows_only_failed_emails_of_the_own_authority(
    client, lda, authority, other_authority
):
    failed(other_authority)
    sent = outbox_enqueue(
        key="sent",
        recipient_email="ok@example.org",
        subject="s",
        body_text="b",
        authority=authority,
    )
    client.force_login(lda)
    page = client.get(LIST).content.decode()
    assert "Every e-mail was delivered" in page
    assert f"gone0@{other_authority.pk}" not in page and sent.recipient_email not in page


def test_the_list_takes_a_constant_number_of_queries(
    client, lda, authority, django_assert_num_queries
):
    failed(authority, 3)
    client.force_login(lda)
    client.get(LIST)
    with django_assert_num_queries(9) as captured:
        client.get(LIST)
    failed(authority, 10)
    with django_assert_num_queries(len(captured.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_the_administrator_resends(client, lda, authority):
    (message,) = failed(authority)
    DBTaskResult.objects.all().delete()
    client.force_login(lda)
    response = client.post(resend_url(message), follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "will be sent again" in response.content.decode()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.PENDING, 0, "")
    assert DBTaskResult.objects.get().args_kwargs["args"] == [message.pk]


def test_resending_twice_says_it_is_on_its_way(client, lda, authority):
    (message,) = failed(authority)
    client.force_login(lda)
    client.post(resend_url(message))
    response = client.post(resend_url(message), follow=True)
    assert "Only an e-mail that could not be delivered can be resent" in response.content.decode()


@pytest.mark.parametrize(
    "who", ["basic_user", "handler", "allocator", "supervisor", "other_lda", "coordinator_lda"]
)
def test_others_get_404(request, client, authority, who):
    (message,) = failed(authority)
    client.force_login(request.getfixturevalue(who))
    if who != "other_lda" and who != "coordinator_lda":
        assert client.get(LIST).status_code == 404
    assert client.post(resend_url(message)).status_code == 404
    message.refresh_from_db()
    assert message.status == Status.FAILED


def test_another_administrator_sees_only_their_own(client, other_lda, authority):
    failed(authority)
    client.force_login(other_lda)
    assert f"gone0@{authority.pk}" not in client.get(LIST).content.decode()


def test_anonymous_visitors_are_sent_to_login(client, authority):
    (message,) = failed(authority)
    for response in (client.get(LIST), client.post(resend_url(message))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    message.refresh_from_db()
    assert message.status == Status.FAILED


def test_a_missing_message_is_404(client, lda):
    client.force_login(lda)
    assert client.post(reverse("notifications:resend", kwargs={"pk": 999999})).status_code == 404


def test_the_service_refuses_anyone_but_the_administrators(handler, other_lda, authority):
    (message,) = failed(authority)
    for actor in (handler, other_lda, None):
        with pytest.raises(PermissionDenied):
            outbox_resend(message=message, actor=actor)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_person_resends_in_the_browser(page, login_as, live_server, lda, authority, tmp_path):
    from playwright.sync_api import expect

    from tests.browser.conftest import CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("no Chromium")
    failed(authority, 2)
    login_as(lda)
    page.goto(live_server.url + LIST)
    expect(page.get_by_role("heading", name="E-mails not delivered")).to_be_visible()
    page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
    from axe_playwright_python.sync_playwright import Axe

    assert Axe().run(page).response["violations"] == []
    page.get_by_role("button", name=f"Send again to gone0@{authority.pk}.example").click()
    expect(page.get_by_text("will be sent again")).to_be_visible()
    assert OutboxMessage.objects.filter(status=Status.FAILED).count() == 1
