"""The alert's page and its steps: what each party sees and may do, where each step lands
and what it says, the personal data recorded per showing, the reader's language."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openimi.alerts import services
from openimi.alerts.models import AlertDistribution, AlertEvent, AlertUpdate
from openimi.alerts.workflow import State

pytestmark = pytest.mark.django_db


def _page(client, user, alert):
    client.force_login(user)
    return client.get(reverse("alerts:detail", args=[alert.pk]))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_sender_sees_everything_and_every_country(client, world, distributed_alert):
    response = _page(client, world.sender_handler, distributed_alert)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Johanna Maria de Vries" in text
    assert "Regionaal Tuchtcollege Amsterdam" in text
    assert [r.country_id for r in response.context["recipients"]] == ["DE", "FR", "PL"]
    assert f'lang="{distributed_alert.language}"' in text
    steps = [s.name for s in response.context["steps"]]
    assert steps == ["add_information", "propose_closure", "withdraw"]


def test_each_showing_of_the_person_is_recorded(client, world, sent_alert):
    for _ in range(2):
        _page(client, world.de_alco_user, sent_alert)
    assert (
        AlertEvent.objects.filter(
            alert=sent_alert, code="alert.personal_data_viewed", actor=world.de_alco_user
        ).count()
        == 2
    )


def test_a_recipient_coordinator_sees_its_own_country_only(client, world, sent_alert):
    response = _page(client, world.de_alco_user, sent_alert)
    assert [r.country_id for r in response.context["recipients"]] == ["DE"]
    assert [s.name for s in response.context["steps"]] == ["acknowledge"]
    assert response.context["can_distribute"]
    # The sending country's own steps are not in its timeline.
    codes = {e.code for e in response.context["timeline"]}
    assert "alert.submitted" not in codes and "alert.validated" in codes
    assert "alert.personal_data_viewed" not in codes


def test_a_recipient_authority_reading_is_noted_once(client, world, distributed_alert):
    response = _page(client, world.de_reader, distributed_alert)
    assert response.status_code == 200
    assert response.context["recipients"] == [] and response.context["steps"] == []
    _page(client, world.de_reader, distributed_alert)
    distribution = AlertDistribution.objects.get(authority=world.de_authority)
    assert distribution.first_read_by == world.de_reader
    assert AlertEvent.objects.filter(alert=distributed_alert, code="alert.read").count() == 1
    # The sender sees who read it.
    text = _page(client, world.sender_handler, distributed_alert).content.decode()
    assert "not read yet" in text  # the Polish authority
    assert "read on" in text


@pytest.mark.parametrize(
    "name",
    ["fr_reader", "sender_basic", "sender_lda", "network_admin", "nl_alco_lda"],
)
def test_others_get_404(client, world, distributed_alert, name):
    assert _page(client, getattr(world, name), distributed_alert).status_code == 404


def test_anonymous_goes_to_the_login(client, world, sent_alert):
    response = client.get(reverse("alerts:detail", args=[sent_alert.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_german_and_polish_readers_get_their_language(client, world, distributed_alert):
    from django.conf import settings

    url = reverse("alerts:detail", args=[distributed_alert.pk])
    pages = {}
    for user in (world.de_alco_user, world.pl_reader):
        client.force_login(user)
        # The login sets this cookie from the user's language (accounts.views).
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = user.language
        pages[user.language] = client.get(url).content.decode()
    assert '<html lang="de"' in pages["de"] and "Verlauf" in pages["de"]
    assert '<html lang="pl"' in pages["pl"] and "Historia" in pages["pl"]
    # The alert's own texts keep the language they were written in.
    language = distributed_alert.language
    assert f'<p class="govuk-body" lang="{language}">' in pages["pl"]


# --- The steps ------------------------------------------------------------------------------


def _post(client, user, name, alert, data=None, follow=True):
    client.force_login(user)
    return client.post(reverse(f"alerts:{name}", args=[alert.pk]), data or {}, follow=follow)


def test_the_coordinator_validates_and_lands_on_the_alert(client, world, pq_alert):
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    response = _post(client, world.nl_alco_user, "validate", pq_alert)
    assert response.redirect_chain[-1][0] == reverse("alerts:detail", args=[pq_alert.pk])
    assert _messages(response) == ["The alert was validated and sent to the countries it warns."]
    pq_alert.refresh_from_db()
    assert pq_alert.status == State.SENT


def test_returning_needs_a_reason_and_lands_on_the_list(client, world, pq_alert):
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    response = _post(
        client, world.nl_alco_user, "return", pq_alert, {"text": " ", "language": "en"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    response = _post(
        client, world.nl_alco_user, "return", pq_alert, {"text": "Wrong date.", "language": "en"}
    )
    assert response.redirect_chain[-1][0] == reverse("alerts:list")
    assert "You can no longer open alert" in _messages(response)[0]
    pq_alert.refresh_from_db()
    assert pq_alert.status == State.DRAFT


def test_a_step_refused_by_the_state_table_says_why(client, world, sent_alert):
    response = _post(client, world.nl_alco_user, "validate", sent_alert)
    assert response.status_code == 200
    assert "This cannot be done while the alert is" in _messages(response)[0]


def test_a_step_of_another_party_is_404(client, world, sent_alert):
    assert (
        _post(client, world.de_alco_user, "validate", sent_alert, follow=False).status_code == 404
    )
    assert (
        _post(client, world.fr_reader, "acknowledge", sent_alert, follow=False).status_code == 404
    )
    assert (
        _post(client, world.sender_handler, "acknowledge", sent_alert, follow=False).status_code
        == 404
    )


def test_updates_closure_and_their_validation(client, world, sent_alert):
    response = _post(
        client,
        world.sender_handler,
        "add_information",
        sent_alert,
        {"text": "Pielęgniarka pracuje teraz w Łodzi (Νέα στοιχεία).", "language": "pl"},
    )
    assert "waits for your alert coordinator" in _messages(response)[0]
    update = AlertUpdate.objects.get(alert=sent_alert, kind="information")
    # Recipients do not see it before it is validated.
    assert update not in _page(client, world.de_alco_user, sent_alert).context["updates"]
    response = client.get(reverse("alerts:detail", args=[sent_alert.pk]))
    client.force_login(world.nl_alco_user)
    response = client.post(
        reverse("alerts:validate_update", args=[sent_alert.pk, update.pk]), follow=True
    )
    assert _messages(response) == ["The new information was validated and sent to the countries."]
    german = _page(client, world.de_alco_user, sent_alert)
    assert update in german.context["updates"]
    assert '<p class="govuk-body" lang="pl">Pielęgniarka' in german.content.decode()
    _post(
        client,
        world.sender_handler,
        "propose_closure",
        sent_alert,
        {"text": "Restriction lifted.", "language": "en"},
    )
    response = _post(client, world.nl_alco_user, "close", sent_alert)
    assert _messages(response) == ["The alert was closed."]
    sent_alert.refresh_from_db()
    assert sent_alert.status == State.CLOSED


def test_acknowledge_and_distribute(client, world, sent_alert):
    response = _post(client, world.de_alco_user, "acknowledge", sent_alert)
    assert _messages(response) == ["Receipt of the alert was acknowledged."]
    client.force_login(world.de_alco_user)
    url = reverse("alerts:distribute", args=[sent_alert.pk])
    page = client.get(url)
    choices = dict(page.context["form"].fields["authorities"].choices)
    assert str(world.de_authority.pk) in choices
    assert str(world.pl_authority.pk) not in choices
    response = client.post(url, {"authorities": []})
    assert response.status_code == 200 and response.context["form"].errors["authorities"]
    response = client.post(url, {"authorities": [world.de_authority.pk]}, follow=True)
    assert _messages(response) == ["The alert was passed to the authorities you chose."]
    page = client.get(url)
    assert [d.authority for d in page.context["done"]] == [world.de_authority]
    assert str(world.de_authority.pk) not in dict(
        page.context["form"].fields["authorities"].choices
    )


def test_withdraw_with_a_reason(client, world, sent_alert):
    client.force_login(world.sender_handler)
    assert client.get(reverse("alerts:withdraw", args=[sent_alert.pk])).status_code == 200
    response = _post(
        client,
        world.sender_handler,
        "withdraw",
        sent_alert,
        {"text": "Sent in error.", "language": "en"},
    )
    assert _messages(response) == ["The alert was withdrawn."]
    # Every recipient reads why.
    assert "Sent in error." in _page(client, world.de_alco_user, sent_alert).content.decode()


def test_the_report_link_is_there_only_when_the_report_exists(client, world, sent_alert):
    from django.urls import NoReverseMatch

    try:
        expected = reverse("reports:alert", args=[sent_alert.pk])
    except NoReverseMatch:
        expected = None
    assert _page(client, world.sender_handler, sent_alert).context["report_url"] == expected


def test_the_detail_query_count_does_not_grow_with_updates_and_countries(
    client, world, distributed_alert, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.sender_handler)
    url = reverse("alerts:detail", args=[distributed_alert.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for number in range(3):
        update = services.alert_propose_update(
            alert=distributed_alert,
            actor=world.sender_handler,
            text=f"Item {number}",
            language="en",
        )
        services.alert_validate_update(update=update, actor=world.nl_alco_user)
    recipient = distributed_alert.recipients.get(country_id="FR")
    services.alert_distribute(
        recipient=recipient, actor=world.fr_alco_user, authorities=[world.fr_authority]
    )
    with django_assert_num_queries(len(first)):
        response = client.get(url)
    assert len(response.context["updates"]) == 3


def _alert_urls(alert, update, attachment):
    from openimi.alerts import urls

    for pattern in urls.urlpatterns:
        route = str(pattern.pattern)
        if "<int:pk>" not in route:
            continue
        kwargs = {"pk": alert.pk}
        if "update_pk" in route:
            kwargs["update_pk"] = update.pk
        if "attachment_pk" in route:
            kwargs["attachment_pk"] = attachment.pk
        yield pattern.name, reverse(f"alerts:{pattern.name}", kwargs=kwargs)


@pytest.mark.parametrize("name", ["fr_reader", "sender_basic", "sender_lda", "network_admin"])
def test_every_alert_url_is_404_to_outsiders_and_a_login_to_anonymous(
    client, world, pq_alert, name
):
    from openimi.alerts.models import AlertAttachment

    services.alert_add_attachment(
        alert=pq_alert,
        actor=world.sender_handler,
        file=SimpleUploadedFile("d.pdf", b"%PDF-1.4", "application/pdf"),
    )
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)
    update = services.alert_propose_update(
        alert=pq_alert, actor=world.sender_handler, text="More", language="en"
    )
    attachment = AlertAttachment.objects.get(alert=pq_alert)
    urls = list(_alert_urls(pq_alert, update, attachment))
    assert len(urls) >= 15
    client.force_login(getattr(world, name))
    for url_name, url in urls:
        assert client.get(url).status_code == 404, url_name
        assert client.post(url, {"text": "x", "language": "en"}).status_code == 404, url_name
    client.logout()
    for url_name, url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url_name
    update.refresh_from_db()
    assert update.status == AlertUpdate.Status.AWAITING_VALIDATION
