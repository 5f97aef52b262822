"""The list and detail pages, the transition buttons and downloads: who may, what they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openimi.exchange.models import InformationRequest
from openimi.exchange.workflow import State
from tests.exchange.conftest import PROVIDER_EMAIL, PROVIDER_NAME

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


class TestList:
    def test_incoming_and_outgoing_tabs(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        incoming = _login(client, world["resp_handler"]).get(reverse("exchange:list"))
        assert incoming.status_code == 200
        assert reverse("exchange:detail", args=[info_request.pk]) in incoming.text
        client.force_login(world["handler"])
        outgoing = client.get(reverse("exchange:outgoing"))
        assert reverse("exchange:detail", args=[info_request.pk]) in outgoing.text
        assert PROVIDER_NAME not in outgoing.text
        incoming_own = client.get(reverse("exchange:list"))
        assert reverse("exchange:detail", args=[info_request.pk]) not in incoming_own.text

    def test_other_authorities_do_not_see_the_request(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        page = _login(client, world["third_handler"]).get(reverse("exchange:outgoing"))
        assert reverse("exchange:detail", args=[info_request.pk]) not in page.text

    def test_anonymous_is_sent_to_login(self, client, world):
        assert client.get(reverse("exchange:list")).status_code == 302

    def test_practice_rows_are_marked_fictitious(self, client, world, make_request):
        make_request(State.AWAITING_ACCEPTANCE, practice=True)
        page = _login(client, world["handler"]).get(reverse("exchange:outgoing"))
        assert "FICTITIOUS" in page.text

    def test_filters_status_and_overdue(self, client, world, make_request):
        accepted = make_request(State.ACCEPTED)
        waiting = make_request(State.AWAITING_ACCEPTANCE)
        InformationRequest.objects.filter(pk=waiting.pk).update(reply_by="2000-01-01")
        _login(client, world["resp_handler"])
        url = reverse("exchange:list")
        by_status = client.get(url, {"status": "accepted"}).text
        assert reverse("exchange:detail", args=[accepted.pk]) in by_status
        assert reverse("exchange:detail", args=[waiting.pk]) not in by_status
        overdue = client.get(url, {"overdue": "on"}).text
        assert reverse("exchange:detail", args=[waiting.pk]) in overdue
        assert reverse("exchange:detail", args=[accepted.pk]) not in overdue
        assert "Overdue" in overdue
        by_country = client.get(url, {"country": "NL", "sort": "reply_by"}).text
        assert reverse("exchange:detail", args=[accepted.pk]) in by_country
        assert client.get(url, {"country": "DE"}).text.count("/requests/") < by_status.count(
            "/requests/"
        )

    def test_query_count_does_not_grow_with_the_number_of_requests(
        self, client, world, make_request, django_assert_num_queries
    ):
        make_request(State.AWAITING_ACCEPTANCE)
        _login(client, world["resp_handler"])
        url = reverse("exchange:list")
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        for _ in range(4):
            make_request(State.AWAITING_ACCEPTANCE, practice=True)
        with django_assert_num_queries(len(one.captured_queries)):
            page = client.get(url)
        assert page.text.count("FICTITIOUS") >= 4


class TestDetail:
    def test_requester_sees_personal_data_questions_and_history(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, attachment=True)
        page = _login(client, world["handler"]).get(
            reverse("exchange:detail", args=[info_request.pk])
        )
        assert page.status_code == 200
        assert PROVIDER_NAME in page.text and PROVIDER_EMAIL in page.text
        assert "Is it registered?" in page.text
        assert "Request sent" in page.text
        assert "licence.pdf" in page.text
        assert "Withdraw request" in page.text
        assert "Accept request" not in page.text

    def test_questions_in_the_readers_language(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        client.force_login(world["resp_handler"])
        page = client.get(
            reverse("exchange:detail", args=[info_request.pk]), headers={"accept-language": "nl"}
        )
        assert "Is het ingeschreven?" in page.text
        page = client.get(
            reverse("exchange:detail", args=[info_request.pk]), headers={"accept-language": "en"}
        )
        assert "Is it registered?" in page.text

    @pytest.mark.parametrize("name", ["third_handler", "target_handler"])
    def test_others_get_404(self, client, world, make_request, name):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        page = _login(client, world[name]).get(reverse("exchange:detail", args=[info_request.pk]))
        assert page.status_code == 404

    def test_basic_user_sees_no_personal_data(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        page = _login(client, world["resp_basic"]).get(
            reverse("exchange:detail", args=[info_request.pk])
        )
        assert page.status_code == 200
        assert PROVIDER_NAME not in page.text
        assert "Accept request" not in page.text

    def test_a_draft_is_not_seen_by_the_other_side(self, client, world, make_request):
        info_request = make_request(State.DRAFT)
        page = _login(client, world["resp_handler"]).get(
            reverse("exchange:detail", args=[info_request.pk])
        )
        assert page.status_code == 404

    def test_fictitious_banner(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, practice=True)
        page = _login(client, world["resp_handler"]).get(
            reverse("exchange:detail", args=[info_request.pk])
        )
        assert "FICTITIOUS: this is a practice request" in page.text


class TestTransitions:
    def test_accept_then_someone_else_is_told(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        url = reverse("exchange:accept", args=[info_request.pk])
        assert _login(client, world["resp_handler"]).get(url).status_code == 200
        response = client.post(url, {"day": "", "month": "", "year": ""}, follow=True)
        assert "You accepted the request." in response.text
        info_request.refresh_from_db()
        assert info_request.status == State.ACCEPTED
        client.force_login(world["resp_handler2"])
        response = client.post(url, {}, follow=True)
        assert "already accepted by someone else" in response.text

    def test_accept_with_an_impossible_date_keeps_the_form(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        url = reverse("exchange:accept", args=[info_request.pk])
        response = _login(client, world["resp_handler"]).post(
            url, {"day": "31", "month": "2", "year": "2031"}
        )
        assert response.status_code == 200
        assert "Enter a real date." in response.text
        response = client.post(url, {"day": "1", "month": "1", "year": "2001"})
        assert "The reply date must be after today." in response.text

    @pytest.mark.parametrize("name", ["resp_basic", "third_handler", "handler", "resp_supervisor"])
    def test_others_may_not_accept(self, client, world, make_request, name):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        response = _login(client, world[name]).post(
            reverse("exchange:accept", args=[info_request.pk]), {}
        )
        assert response.status_code == 404
        info_request.refresh_from_db()
        assert info_request.status == State.AWAITING_ACCEPTANCE

    def test_anonymous_post_changes_nothing(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        response = client.post(reverse("exchange:accept", args=[info_request.pk]), {})
        assert response.status_code == 302
        info_request.refresh_from_db()
        assert info_request.status == State.AWAITING_ACCEPTANCE

    def test_reject_needs_a_ground(self, client, world, make_request):
        world.set_prefs(world.responding, may_reject=True)
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        url = reverse("exchange:reject", args=[info_request.pk])
        _login(client, world["resp_handler"])
        assert client.post(url, {"text": "", "language": "en"}).status_code == 200
        client.post(url, {"reason": "outside_scope", "text": "", "language": "en"})
        info_request.refresh_from_db()
        assert info_request.status == State.REJECTED

    def test_request_info_and_provide_info(self, client, world, make_request):
        info_request = make_request(State.ACCEPTED)
        _login(client, world["resp_handler"]).post(
            reverse("exchange:request_info", args=[info_request.pk]),
            {"text": "Which branch?", "language": "en"},
        )
        info_request.refresh_from_db()
        assert info_request.status == State.AWAITING_INFORMATION
        client.force_login(world["handler"])
        client.post(
            reverse("exchange:provide_info", args=[info_request.pk]),
            {"text": "The one in Den Bosch.", "language": "en"},
        )
        info_request.refresh_from_db()
        assert info_request.status == State.ACCEPTED
        page = client.get(reverse("exchange:detail", args=[info_request.pk]))
        assert "The one in Den Bosch." in page.text

    def test_allocate_forward_withdraw(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        _login(client, world["resp_allocator"])
        page = client.get(reverse("exchange:allocate", args=[info_request.pk]))
        assert str(world["resp_handler2"]) in page.text
        client.post(
            reverse("exchange:allocate", args=[info_request.pk]),
            {"handlers": [world["resp_handler2"].pk]},
        )
        assert list(
            info_request.allocations.filter(is_active=True).values_list("handler", flat=True)
        ) == [world["resp_handler2"].pk]
        client.force_login(world["resp_handler2"])
        client.post(
            reverse("exchange:forward", args=[info_request.pk]),
            {"to_authority": world.target.pk, "text": "", "language": "de"},
        )
        info_request.refresh_from_db()
        assert info_request.responding_authority == world.target
        client.force_login(world["handler"])
        client.post(reverse("exchange:withdraw", args=[info_request.pk]), {"language": "en"})
        info_request.refresh_from_db()
        assert info_request.status == State.WITHDRAWN

    def test_answer_accept_answer_closes(self, client, world, make_request):
        info_request = make_request(State.ANSWERED)
        page = _login(client, world["handler"]).get(
            reverse("exchange:detail", args=[info_request.pk])
        )
        assert "Accept the answer and close the request" in page.text
        assert "Building work." in page.text  # the free-text answer
        response = client.post(
            reverse("exchange:accept_answer", args=[info_request.pk]), follow=True
        )
        assert "The request is closed." in response.text
        info_request.refresh_from_db()
        assert info_request.status == State.CLOSED

    def test_refer_and_mediate(self, client, world, make_request):
        info_request = make_request(State.ACCEPTED)
        _login(client, world["handler"]).post(
            reverse("exchange:refer", args=[info_request.pk]),
            {"text": "No answer yet.", "language": "en"},
        )
        info_request.refresh_from_db()
        assert info_request.referred_to_coordinator
        client.force_login(world["coord_handler"])
        page = client.get(reverse("exchange:detail", args=[info_request.pk]))
        assert "No answer yet." in page.text and "End the mediation" in page.text
        client.post(
            reverse("exchange:mediate", args=[info_request.pk]),
            {"text": "Please answer soon.", "language": "en"},
        )
        client.force_login(world["resp_handler"])
        page = client.get(reverse("exchange:detail", args=[info_request.pk]))
        assert "Please answer soon." in page.text
        client.force_login(world["coord_handler"])
        client.post(reverse("exchange:end_mediation", args=[info_request.pk]))
        info_request.refresh_from_db()
        assert not info_request.referred_to_coordinator

    def test_approve_and_return(self, client, world, make_request):
        info_request = make_request(State.AWAITING_APPROVAL)
        _login(client, world["coord_handler"])
        page = client.get(reverse("exchange:detail", args=[info_request.pk]))
        assert "Approve" in page.text and PROVIDER_NAME not in page.text
        client.post(
            reverse("exchange:return", args=[info_request.pk]),
            {"text": "Explain more.", "language": "en"},
        )
        info_request.refresh_from_db()
        assert info_request.status == State.DRAFT


class TestDownload:
    def test_requester_and_responder_download(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, attachment=True)
        attachment = info_request.attachments.get()
        url = reverse("exchange:download", args=[info_request.pk, attachment.pk])
        for name in ("handler", "resp_handler"):
            response = _login(client, world[name]).get(url)
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content).startswith(b"%PDF")

    @pytest.mark.parametrize("name", ["third_handler", "resp_basic", "coord_handler"])
    def test_others_get_404(self, client, world, make_request, name):
        info_request = make_request(State.AWAITING_ACCEPTANCE, attachment=True)
        attachment = info_request.attachments.get()
        url = reverse("exchange:download", args=[info_request.pk, attachment.pk])
        assert _login(client, world[name]).get(url).status_code == 404

    def test_wrong_request_in_the_url_is_404(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, attachment=True)
        other = make_request(State.AWAITING_ACCEPTANCE)
        attachment = info_request.attachments.get()
        url = reverse("exchange:download", args=[other.pk, attachment.pk])
        assert _login(client, world["handler"]).get(url).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, attachment=True)
        attachment = info_request.attachments.get()
        url = reverse("exchange:download", args=[info_request.pk, attachment.pk])
        assert client.get(url).status_code == 302
