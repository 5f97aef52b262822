"""Rejecting (issue 15, item 9; seed 6.3 and 6.4).

Normally only the coordinator rejects a request on behalf of its country; an authority only
where its coordinator allowed it (``may_reject``, one of the settings the coordinator sets).
An authority that may not reject is told so on the request page and offered to forward the
request to its coordinator. A coordinator to whom a request was forwarded, or to whom the
responding authority referred it, can reject it on the two grounds. The coordinator's home
page shows what waits for it: referrals, requests forwarded to it and approvals.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from openimi.exchange import services
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from openimi.onboarding import home

pytestmark = pytest.mark.django_db

MAY_NOT = "Your authority may not reject requests"
MAY_NOT_NL = "Uw autoriteit mag geen verzoeken weigeren"


def _detail(info_request):
    return reverse("exchange:detail", args=[info_request.pk])


def _forward_to_coordinator(info_request, coordinator):
    return f"{reverse('exchange:forward', args=[info_request.pk])}?to={coordinator.pk}"


def _refer(world, info_request, text="Insufficiently motivated, we think."):
    services.request_refer_to_coordinator(
        info_request=info_request, actor=world["resp_handler"], text=text, language="en"
    )


class TestAnAuthorityThatMayNotReject:
    def test_is_told_so_and_forwards_to_its_coordinator_who_rejects(
        self, client, world, make_request
    ):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        coordinator = world.other_coordinator  # Köln's supervising coordinator
        client.force_login(world["resp_handler"])
        page = client.get(_detail(info_request))
        assert page.status_code == 200
        assert MAY_NOT in page.text
        assert ">Reject<" not in page.text
        link = _forward_to_coordinator(info_request, coordinator).replace("&", "&amp;")
        assert f'href="{link}"' in page.text
        assert "Forward to the coordinator" in page.text

        # The link opens the forward form with the coordinator chosen.
        form = client.get(_forward_to_coordinator(info_request, coordinator))
        assert form.status_code == 200
        checked = re.findall(r'<input[^>]*value="(\d+)"[^>]*\bchecked\b', form.text)
        assert checked == [str(coordinator.pk)]
        # Saved unchanged but for the note, it forwards to the coordinator.
        landed = client.post(
            reverse("exchange:forward", args=[info_request.pk]),
            {"to_authority": coordinator.pk, "text": "Outside the scope?", "language": "en"},
            follow=True,
        )
        assert landed.status_code == 200
        assert "The request was forwarded." in landed.text
        info_request.refresh_from_db()
        assert info_request.responding_authority == coordinator

        # The coordinator rejects it on one of the two grounds.
        client.force_login(world["resp_coord_handler"])
        page = client.get(_detail(info_request))
        assert ">Reject<" in page.text
        assert MAY_NOT not in page.text
        url = reverse("exchange:reject", args=[info_request.pk])
        missing = client.post(url, {"text": "Nicht begründet.", "language": "de"})
        assert missing.status_code == 200
        assert "govuk-error-summary" in missing.text
        assert "Nicht begründet." in missing.text  # the form keeps what was typed
        landed = client.post(
            url,
            {"reason": "insufficiently_motivated", "text": "Nicht begründet.", "language": "de"},
            follow=True,
        )
        assert landed.redirect_chain[-1][0] == _detail(info_request)
        assert "The request was rejected." in landed.text
        info_request.refresh_from_db()
        assert info_request.status == State.REJECTED
        assert info_request.rejection_reason == "insufficiently_motivated"
        assert OutboxMessage.objects.filter(
            event_code="request.rejected", recipient_email=world["handler"].email
        ).exists()

    def test_is_told_so_in_dutch(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        client.force_login(world["resp_handler"])
        page = client.get(_detail(info_request), headers={"accept-language": "nl"})
        assert MAY_NOT_NL in page.text
        assert "Doorsturen naar de coördinator" in page.text

    def test_without_a_supervising_coordinator_is_told_to_forward(
        self, client, world, make_request
    ):
        world.set_prefs(world.responding, supervising_coordinator=None)
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        client.force_login(world["resp_handler"])
        page = client.get(_detail(info_request))
        assert MAY_NOT in page.text
        assert "?to=" not in page.text
        assert "No supervising coordinator is registered" in page.text

    def test_an_authority_that_may_reject_is_not_told(self, client, world, make_request):
        world.set_prefs(world.responding, may_reject=True)
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        client.force_login(world["resp_handler"])
        page = client.get(_detail(info_request))
        assert ">Reject<" in page.text
        assert MAY_NOT not in page.text

    @pytest.mark.parametrize("name", ["resp_basic", "resp_supervisor", "handler"])
    def test_who_cannot_act_is_not_told(self, client, world, make_request, name):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        client.force_login(world[name])
        page = client.get(_detail(info_request))
        assert page.status_code == 200
        assert MAY_NOT not in page.text

    def test_once_accepted_the_notice_is_gone(self, client, world, make_request):
        info_request = make_request(State.ACCEPTED)
        client.force_login(world["resp_handler"])
        assert MAY_NOT not in client.get(_detail(info_request)).text


class TestACoordinatorToWhomTheRequestWasReferred:
    def test_can_reject_it_and_the_mediation_ends(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        _refer(world, info_request)
        client.force_login(world["resp_coord_handler"])
        page = client.get(_detail(info_request))
        assert ">Reject<" in page.text
        landed = client.post(
            reverse("exchange:reject", args=[info_request.pk]),
            {"reason": "outside_scope", "text": "", "language": "de"},
            follow=True,
        )
        assert landed.status_code == 200
        assert "The request was rejected." in landed.text
        info_request.refresh_from_db()
        assert info_request.status == State.REJECTED
        assert info_request.rejection_reason == "outside_scope"
        assert not info_request.referred_to_coordinator
        event = info_request.events.get(code="request.rejected")
        assert event.actor == world["resp_coord_handler"]

    def test_the_service_refuses_a_third_ground(self, world, make_request):
        from openimi.common.errors import ApplicationError

        info_request = make_request(State.AWAITING_ACCEPTANCE)
        _refer(world, info_request)
        with pytest.raises(ApplicationError):
            services.request_reject(
                info_request=info_request, actor=world["resp_coord_handler"], reason="too_busy"
            )

    @pytest.mark.parametrize(
        ("name", "referred_by"),
        [
            ("resp_coord_handler", None),  # not referred: not its decision
            ("coord_handler", "handler"),  # the requester's coordinator mediates, not theirs
            ("coord_handler", None),
            ("coord_lda", "handler"),  # no request handler of the coordinator
            ("third_handler", "resp_handler"),  # another authority
            ("resp_basic", "resp_handler"),
        ],
    )
    def test_others_may_not_reject(self, client, world, make_request, name, referred_by):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        if referred_by:
            services.request_refer_to_coordinator(
                info_request=info_request, actor=world[referred_by], text="Help.", language="en"
            )
        client.force_login(world[name])
        response = client.post(
            reverse("exchange:reject", args=[info_request.pk]),
            {"reason": "outside_scope", "text": "", "language": "en"},
        )
        assert response.status_code == 404
        info_request.refresh_from_db()
        assert info_request.status == State.AWAITING_ACCEPTANCE

    def test_anonymous_is_sent_to_login(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        _refer(world, info_request)
        response = client.post(
            reverse("exchange:reject", args=[info_request.pk]), {"reason": "outside_scope"}
        )
        assert response.status_code == 302
        assert "login" in response["Location"]
        info_request.refresh_from_db()
        assert info_request.status == State.AWAITING_ACCEPTANCE


class TestTheCoordinatorsHome:
    def test_shows_referrals_forwarded_requests_and_approvals(
        self, client, world, make_request, monkeypatch
    ):
        """Older than the newest requests it merely supervises, they still show."""
        monkeypatch.setattr(home, "HOME_REQUESTS", 3)
        approval = make_request(State.ANSWER_AWAITING_APPROVAL)
        world.set_prefs(world.responding, needs_coordinator_approval=False)
        referred = make_request(State.AWAITING_ACCEPTANCE)
        _refer(world, referred)
        forwarded = make_request(State.AWAITING_ACCEPTANCE)
        services.request_forward(
            info_request=forwarded,
            actor=world["resp_handler"],
            to_authority=world.other_coordinator,
        )
        newer = [make_request(State.AWAITING_ACCEPTANCE) for _ in range(4)]  # nothing to do

        client.force_login(world["resp_coord_handler"])
        page = client.get(reverse("home"))
        assert page.status_code == 200
        text = page.text
        assert "Requests referred to you for mediation" in text
        assert "Requests to accept or forward" in text
        assert "Requests to approve" in text
        for waiting in (approval, referred, forwarded):
            assert f'href="{_detail(waiting)}"' in text
        for other in newer:
            assert f'href="{_detail(other)}"' not in text

    def test_shows_referrals_in_dutch(self, client, world, make_request):
        referred = make_request(State.ACCEPTED)
        _refer(world, referred)
        client.force_login(world["resp_coord_handler"])
        page = client.get(reverse("home"), headers={"accept-language": "nl"})
        assert "Verzoeken die aan u zijn voorgelegd om te bemiddelen" in page.text
        assert f'href="{_detail(referred)}"' in page.text

    def test_a_party_does_not_see_its_own_referral_as_work(self, client, world, make_request):
        referred = make_request(State.ACCEPTED)
        _refer(world, referred)
        client.force_login(world["resp_handler"])
        page = client.get(reverse("home"))
        assert "Requests referred to you for mediation" not in page.text


def test_a_long_note_in_other_scripts_goes_with_the_request_and_is_kept(
    client, world, make_request
):
    """Text from the wild: 10,000 characters in Cyrillic, Greek and Chinese."""
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    note = ("Запрос не мотивирован. Δεν αιτιολογείται. 请求理由不足。 " * 300)[:10_000]
    client.force_login(world["resp_handler"])
    landed = client.post(
        reverse("exchange:forward", args=[info_request.pk]),
        {"to_authority": world.other_coordinator.pk, "text": note, "language": "de"},
        follow=True,
    )
    assert landed.status_code == 200
    assert "The request was forwarded." in landed.text

    client.force_login(world["resp_coord_handler"])
    page = client.get(_detail(info_request))
    assert note.strip()[:500] in page.text
    # A rejection without a ground keeps the long explanation typed.
    kept = client.post(
        reverse("exchange:reject", args=[info_request.pk]), {"text": note, "language": "de"}
    )
    assert kept.status_code == 200
    assert note.strip()[:500] in kept.text
    info_request.refresh_from_db()
    assert info_request.status == State.AWAITING_ACCEPTANCE
