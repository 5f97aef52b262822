"""People who leave (seed 6.2): a local data administrator hands a leaver's open requests to a
colleague, all or nothing, each with an event and an e-mail, and then the leaver can go."""

import pytest
from django.urls import reverse

from openimi.accounts.models import User
from openimi.accounts.users import services as user_services
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import events, services
from openimi.exchange.models import RequestEvent
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage


def _hand_over_url(user):
    return reverse("users:hand_over", kwargs={"pk": user.pk})


class TestService:
    def test_drafts_sent_requests_and_allocations_move_to_the_colleague(self, world, make_request):
        draft = make_request(State.DRAFT)
        sent = make_request(State.AWAITING_ACCEPTANCE)
        incoming = make_request(State.ACCEPTED, allocation=True)
        leaver, colleague = world["resp_handler"], world["resp_handler2"]
        # The requester side of the first two is world["handler"]: hand those over too.
        handed = services.requests_hand_over(
            actor=world["lda"], leaver=world["handler"], colleague=world["handler2"]
        )
        assert {r.pk for r in handed} == {draft.pk, sent.pk, incoming.pk}
        for info_request in (draft, sent, incoming):
            info_request.refresh_from_db()
            assert info_request.requesting_user == world["handler2"]
        moved = services.requests_hand_over(
            actor=world["resp_lda"], leaver=leaver, colleague=colleague
        )
        assert [r.pk for r in moved] == [incoming.pk]
        active = set(incoming.allocations.filter(is_active=True).values_list("handler", flat=True))
        assert active == {colleague.pk}
        event = RequestEvent.objects.filter(info_request=incoming, code=events.HANDED_OVER).last()
        assert event.data == {"from_user": leaver.pk, "to_user": colleague.pk, "part": "handler"}
        assert event.audience == RequestEvent.Audience.RESPONDING
        assert event.actor == world["resp_lda"]
        assert OutboxMessage.objects.filter(
            recipient_user=colleague, event_code=events.HANDED_OVER
        ).exists()
        # Nothing keeps the leavers now.
        assert user_services.user_delete(actor=world["lda"], user=world["handler"]) is False
        assert user_services.user_delete(actor=world["resp_lda"], user=leaver) is False

    def test_all_or_nothing_when_the_colleague_lacks_the_role(self, world, make_request):
        first = make_request(State.DRAFT)
        second = make_request(State.AWAITING_ACCEPTANCE)
        with pytest.raises(services.HandOverError) as refused:
            services.requests_hand_over(
                actor=world["lda"], leaver=world["handler"], colleague=world["basic"]
            )
        assert {r.pk for r in refused.value.requests} == {first.pk, second.pk}
        for info_request in (first, second):
            info_request.refresh_from_db()
            assert info_request.requesting_user == world["handler"]
        assert not RequestEvent.objects.filter(code=events.HANDED_OVER).exists()

    @pytest.mark.parametrize("who", ["handler2", "allocator", "supervisor", "resp_lda"])
    def test_only_an_administrator_of_the_leaver_s_authority(self, world, make_request, who):
        draft = make_request(State.DRAFT)
        with pytest.raises(PermissionDenied):
            services.requests_hand_over(
                actor=world[who], leaver=world["handler"], colleague=world["handler2"]
            )
        draft.refresh_from_db()
        assert draft.requesting_user == world["handler"]

    @pytest.mark.parametrize("colleague", ["handler", "resp_handler"])
    def test_the_colleague_is_someone_else_of_the_same_authority(
        self, world, make_request, colleague
    ):
        make_request(State.DRAFT)
        with pytest.raises(ApplicationError):
            services.requests_hand_over(
                actor=world["lda"], leaver=world["handler"], colleague=world[colleague]
            )


class TestPages:
    def test_from_the_delete_page_to_the_hand_over_and_back(self, client, world, make_request):
        draft = make_request(State.DRAFT)
        leaver = world["handler"]
        client.force_login(world["lda"])
        delete_page = client.get(reverse("users:delete", kwargs={"pk": leaver.pk})).text
        assert _hand_over_url(leaver) in delete_page
        page = client.get(_hand_over_url(leaver))
        assert page.status_code == 200
        choices = dict(page.context["form"].fields["colleague"].choices)
        assert world["handler2"].pk in {getattr(k, "value", k) for k in choices}
        assert leaver.pk not in {getattr(k, "value", k) for k in choices}
        response = client.post(
            _hand_over_url(leaver), {"colleague": world["handler2"].pk}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("users:delete", kwargs={"pk": leaver.pk})
        html = response.text
        assert "1 request has been handed over to" in html
        assert "Delete user</button>" in html
        draft.refresh_from_db()
        assert draft.requesting_user == world["handler2"]

    def test_a_refusal_names_the_requests_and_keeps_the_choice(self, client, world, make_request):
        draft = make_request(State.DRAFT)
        client.force_login(world["lda"])
        response = client.post(_hand_over_url(world["handler"]), {"colleague": world["basic"].pk})
        assert response.status_code == 200
        assert "is not a request handler for the legislative area" in response.text
        assert f"Request {draft.reference}" in response.text
        assert response.context["form"]["colleague"].value() == str(world["basic"].pk)
        draft.refresh_from_db()
        assert draft.requesting_user == world["handler"]

    def test_a_colleague_of_another_authority_is_not_a_choice(self, client, world, make_request):
        draft = make_request(State.DRAFT)
        client.force_login(world["lda"])
        response = client.post(
            _hand_over_url(world["handler"]), {"colleague": world["resp_handler"].pk}
        )
        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
        draft.refresh_from_db()
        assert draft.requesting_user == world["handler"]

    @pytest.mark.parametrize("who", ["handler2", "allocator", "resp_lda"])
    def test_others_get_404(self, client, world, make_request, who):
        make_request(State.DRAFT)
        client.force_login(world[who])
        assert client.get(_hand_over_url(world["handler"])).status_code == 404
        response = client.post(_hand_over_url(world["handler"]), {"colleague": world[who].pk})
        assert response.status_code == 404

    def test_anonymous_goes_to_login(self, client, world):
        response = client.get(_hand_over_url(world["handler"]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    def test_the_history_says_handed_over(self, client, world, make_request):
        draft = make_request(State.DRAFT)
        services.requests_hand_over(
            actor=world["lda"], leaver=world["handler"], colleague=world["handler2"]
        )
        client.force_login(world["handler2"])
        page = client.get(reverse("exchange:detail", kwargs={"pk": draft.pk})).text
        assert "Request handed over to a colleague" in page
        assert User.objects.get(pk=world["handler"].pk).is_active
