"""The privacy pages: who may open them (allow and deny), search, export, correct, contest."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from openimi.exchange import events
from openimi.exchange.models import PersonalData, RequestEvent
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from openimi.privacy.models import ContestMark, PersonalDataCorrection
from tests.exchange.conftest import PROVIDER_EMAIL, PROVIDER_NAME

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# --- Who may open which page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lda", 200),
        ("supervisor", 200),
        ("basic", 404),
        ("handler", 404),
        ("resp_lda", 200),  # its own authority's log
        (None, 302),  # anonymous: to the login page
    ],
)
def test_access_log_page(client, world, who, status):
    user = world[who] if who else None
    response = _get(client, user, reverse("privacy:access_log"))
    assert response.status_code == status
    if status == 302:
        assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("lda", 200), ("supervisor", 404), ("basic", 404), ("handler", 404), (None, 302)],
)
def test_subjects_page(client, world, who, status):
    user = world[who] if who else None
    assert _get(client, user, reverse("privacy:subjects")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lda", 200),  # requesting authority
        ("resp_lda", 200),  # responding authority
        ("third_lda", 404),  # another authority
        ("handler", 404),
        ("basic", 404),
        (None, 302),
    ],
)
def test_subject_request_page(client, world, make_request, third_lda, who, status):
    info_request = make_request(State.ACCEPTED)
    user = {"third_lda": third_lda}.get(who) or (world[who] if who else None)
    response = _get(client, user, reverse("privacy:subject_request", args=[info_request.pk]))
    assert response.status_code == status
    if status == 200:
        assert PROVIDER_NAME in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("lda", 200), ("resp_lda", 404), ("third_lda", 404), ("handler", 404), (None, 302)],
)
def test_correct_page_only_for_the_requesting_authority(
    client, world, make_request, third_lda, who, status
):
    info_request = make_request(State.ACCEPTED)
    user = {"third_lda": third_lda}.get(who) or (world[who] if who else None)
    assert _get(client, user, reverse("privacy:correct", args=[info_request.pk])).status_code == (
        status
    )


def test_drafts_of_the_other_authority_stay_hidden(client, world, make_request):
    draft = make_request(State.DRAFT)
    client.force_login(world["resp_lda"])
    assert client.get(reverse("privacy:subject_request", args=[draft.pk])).status_code == 404


# --- Search -------------------------------------------------------------------------------


def _search(client, user, **params):
    """Search as the page does: post the criteria, then follow the redirect to the results."""
    client.force_login(user)
    return client.post(reverse("privacy:subjects"), params, follow=True)


def test_search_finds_requests_on_both_sides_and_not_others(client, world, make_request):
    ours_out = make_request(State.ACCEPTED)  # we request
    # The other authority requests from us: make one the other way round.
    from openimi.exchange import services

    theirs_in = services.request_create_draft(
        actor=world["resp_handler"],
        area=world.area,
        question_set=world.question_set,
        responding_authority=world.requesting,
    )
    services.request_update_draft(
        info_request=theirs_in,
        actor=world["resp_handler"],
        questions=list(world.question_set.questions.all()[:1]),
        justification="Needed for a check.",
        justification_language="en",
        reply_by=timezone.localdate() + dt.timedelta(days=14),
    )
    services.request_set_personal_data(
        info_request=theirs_in,
        actor=world["resp_handler"],
        data={"provider_name": "Jansen Bouw GmbH", "vat_number": "DE123456789"},
    )
    services.request_send(info_request=theirs_in, actor=world["resp_handler"])
    # A request between two other authorities, about the same provider.
    elsewhere = services.request_create_draft(
        actor=world["third_handler"],
        area=world.area,
        question_set=world.question_set,
        responding_authority=world.target,
    )
    services.request_set_personal_data(
        info_request=elsewhere, actor=world["third_handler"], data={"provider_name": PROVIDER_NAME}
    )

    response = _search(client, world["lda"], name="jansen")
    found = [r.pk for r in response.context["page"].object_list]
    assert set(found) == {ours_out.pk, theirs_in.pk}
    page = response.content.decode()
    assert "Requesting" in page and "Responding" in page

    found = _search(client, world["lda"], vat_number="de123456789").context["page"].object_list
    assert [r.pk for r in found] == [theirs_in.pk]
    found = _search(client, world["lda"], email=PROVIDER_EMAIL.upper()).context["page"].object_list
    assert [r.pk for r in found] == [ours_out.pk]
    # The responding authority's administrator finds ours too, not the third's draft.
    found = _search(client, world["resp_lda"], name="jansen").context["page"].object_list
    assert {r.pk for r in found} == {ours_out.pk, theirs_in.pk}


def test_search_needs_a_criterion_and_keeps_the_page(client, world):
    response = _search(client, world["lda"], name="")
    assert response.status_code == 200
    assert "Fill in at least one of the fields" in response.content.decode()


def test_search_leaves_out_deleted_personal_data(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    PersonalData.objects.filter(info_request=info_request).delete()
    response = _search(client, world["lda"], name="jansen")
    assert list(response.context["page"].object_list) == []


# session, user, authority, role grants, [the users to filter by,] count, page, session save
QUERIES_9 = 9


def test_search_query_count_does_not_grow(client, world, make_request, django_assert_num_queries):
    make_request(State.ACCEPTED)
    client.force_login(world["lda"])
    client.post(reverse("privacy:subjects"), {"name": "jansen"})  # kept in the session
    url = reverse("privacy:subjects")
    client.get(url)  # warm up (session, translations)
    with django_assert_num_queries(QUERIES_9):
        client.get(url)
    for _ in range(3):
        make_request(State.ACCEPTED)
    with django_assert_num_queries(QUERIES_9):
        response = client.get(url)
    assert response.context["page"].paginator.count == 4


# --- Export -------------------------------------------------------------------------------


def _export(client, user, ids, export_format="json"):
    client.force_login(user)
    return client.post(reverse("privacy:export"), {"request": ids, "format": export_format})


def test_export_json_holds_the_personal_data_and_is_recorded(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    response = _export(client, world["lda"], [info_request.pk])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    [entry] = data["requests"]
    assert entry["request"] == str(info_request.pk)
    assert entry["personal_data"]["provider_name"] == PROVIDER_NAME
    assert entry["personal_data"]["email"] == PROVIDER_EMAIL
    assert entry["contested"] is False
    event = RequestEvent.objects.get(
        info_request=info_request, code=events.PERSONAL_DATA_VIEWED, actor=world["lda"]
    )
    assert event.data == {"part": "export:json"}
    assert event.audience == "audit"


def test_export_csv(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    response = _export(client, world["resp_lda"], [info_request.pk], "csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["provider_name"] == PROVIDER_NAME and rows[0]["request"] == str(info_request.pk)


def test_export_leaves_out_requests_of_other_authorities(client, world, make_request, third_lda):
    info_request = make_request(State.ACCEPTED)
    response = _export(client, third_lda, [info_request.pk])
    assert response.status_code == 302  # "none of these requests holds personal data"
    assert not RequestEvent.objects.filter(actor=third_lda).exists()
    assert _export(client, world["basic"], [info_request.pk]).status_code == 404


# --- Correct ------------------------------------------------------------------------------


def test_correction_is_recorded_and_told_to_the_other_authority(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["lda"])
    url = reverse("privacy:correct", args=[info_request.pk])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name) or "" for name in PersonalData.data_fields()}
    data.update(provider_name="Bouwbedrijf Janssen B.V.", reason="The subject showed the deed.")
    outbox_before = OutboxMessage.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302
    personal_data = PersonalData.objects.get(info_request=info_request)
    assert personal_data.provider_name == "Bouwbedrijf Janssen B.V."
    correction = PersonalDataCorrection.objects.get(info_request=info_request)
    assert correction.fields == ["provider_name"]
    assert correction.old_values == {"provider_name": PROVIDER_NAME}
    assert correction.corrected_by == world["lda"]
    event = RequestEvent.objects.get(info_request=info_request, code=events.PERSONAL_DATA_CORRECTED)
    assert event.data == {"correction": correction.pk, "fields": ["provider_name"]}
    assert PROVIDER_NAME not in json.dumps(event.data)
    new_mail = OutboxMessage.objects.order_by("pk")[outbox_before:]
    recipients = {m.recipient_email for m in new_mail}
    assert world["resp_handler"].email in recipients
    assert all(PROVIDER_NAME not in m.body_text for m in new_mail)
    # The timeline of the other authority shows it, with a label.
    client.force_login(world["resp_handler"])
    page = client.get(reverse("exchange:detail", args=[info_request.pk])).content.decode()
    assert "Personal data corrected for the data subject" in page


def test_correction_needs_a_reason_and_keeps_the_input(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["lda"])
    url = reverse("privacy:correct", args=[info_request.pk])
    response = client.post(url, {"provider_name": "Typed Name B.V.", "reason": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Typed Name B.V." in page
    assert not PersonalDataCorrection.objects.exists()


def test_no_correction_after_the_personal_data_is_gone(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    PersonalData.objects.filter(info_request=info_request).delete()
    client.force_login(world["lda"])
    response = client.get(reverse("privacy:correct", args=[info_request.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("privacy:contest", args=[info_request.pk]), {"reason": "Wrong address."}
    )
    assert not ContestMark.objects.exists()


# --- Contest ------------------------------------------------------------------------------


def test_contest_banner_on_the_request_page_for_both_authorities(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["resp_lda"])
    response = client.post(
        reverse("privacy:contest", args=[info_request.pk]), {"reason": "The address is wrong."}
    )
    assert response.status_code == 302
    mark = ContestMark.objects.get(info_request=info_request)
    assert mark.authority == world.responding
    assert RequestEvent.objects.filter(code=events.PERSONAL_DATA_CONTESTED).exists()
    for who in ("handler", "resp_handler"):
        client.force_login(world[who])
        page = client.get(reverse("exchange:detail", args=[info_request.pk])).content.decode()
        assert "contests the accuracy of this personal data" in page
        assert "The address is wrong." in page
    # Someone who does not see personal data does not see the banner either.
    client.force_login(world["basic"])
    page = client.get(reverse("exchange:detail", args=[info_request.pk])).content.decode()
    assert "contests the accuracy" not in page

    client.force_login(world["lda"])
    client.post(reverse("privacy:contest_remove", args=[info_request.pk]))
    mark.refresh_from_db()
    assert mark.removed_at is not None and mark.removed_by == world["lda"]
    assert RequestEvent.objects.filter(code=events.CONTEST_REMOVED).exists()
    client.force_login(world["handler"])
    page = client.get(reverse("exchange:detail", args=[info_request.pk])).content.decode()
    assert "contests the accuracy" not in page


def test_contest_needs_a_reason(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["lda"])
    response = client.post(reverse("privacy:contest", args=[info_request.pk]), {"reason": ""})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_contest_refused_to_other_authorities(client, world, make_request, third_lda):
    info_request = make_request(State.ACCEPTED)
    client.force_login(third_lda)
    url = reverse("privacy:contest", args=[info_request.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(world["handler"])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert not ContestMark.objects.exists()


def test_removing_the_mark_refused_to_other_authorities(client, world, make_request, third_lda):
    info_request = make_request(State.ACCEPTED)
    from openimi.privacy import services

    services.personal_data_contest(
        info_request=info_request, actor=world["lda"], reason="Wrong e-mail address."
    )
    url = reverse("privacy:contest_remove", args=[info_request.pk])
    for user in (third_lda, world["handler"], world["basic"]):
        client.force_login(user)
        assert client.post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302  # to the login page
    assert ContestMark.objects.get(info_request=info_request).removed_at is None
