"""Allocating (issue 15, item 11): whom the allocator can choose and what it sees of them,
the allocator's queue, and "I'll handle this" where the authority works without allocation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openimi.accounts.models import Role, User
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import services
from openimi.exchange.models import Allocation, RequestEvent
from openimi.exchange.workflow import State
from tests.accounts.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _handler(world, username, **extra):
    return UserFactory(
        authority=world.responding,
        username=username,
        first_name=username.capitalize(),
        last_name="Handler",
        email=f"{username}@koeln.example",
        roles=[(Role.REQUEST_HANDLER, world.area)],
        **extra,
    )


@pytest.fixture
def colleagues(world):
    """The responding authority's handlers besides resp_handler: in two departments, and
    three who cannot take a request now (never logged in, deleted, locked out)."""
    users = {
        "vera": _handler(world, "vera", department="Vergunningen"),
        "toon": _handler(world, "toon", department="Toezicht"),
        "pending": _handler(world, "pending", status=User.Status.PENDING, last_login=None),
        "deleted": _handler(world, "deleted", status=User.Status.INACTIVE, is_active=False),
        "locked": _handler(world, "locked", department="Vergunningen"),
    }
    browser = Client()
    for _attempt in range(5):  # the login's failure limit: the name is locked out
        log_in(browser, "locked", "not-the-password")
    return users


def _allocate_page(client, world, info_request, **query):
    client.force_login(world["resp_allocator"])
    response = client.get(reverse("exchange:allocate", args=[info_request.pk]), query)
    assert response.status_code == 200
    return response


class TestCandidates:
    def test_the_list_shows_department_email_and_status_and_only_who_can_act(
        self, client, world, make_request, colleagues
    ):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        page = " ".join(_allocate_page(client, world, info_request).text.split())
        assert "Vera Handler" in page and "Toon Handler" in page
        assert "Vergunningen" in page and "vera@koeln.example" in page
        assert "Toezicht" in page and "toon@koeln.example" in page
        assert "Active" in page
        for name in ("Pending Handler", "Deleted Handler", "Locked Handler"):
            assert name not in page
        candidates = {
            str(u)
            for u in client.get(reverse("exchange:allocate", args=[info_request.pk]))
            .context["form"]
            .by_pk.values()
        }
        assert candidates == {
            str(world["resp_handler"]),
            str(world["resp_handler2"]),
            "Vera Handler",
            "Toon Handler",
        }

    def test_those_left_out_cannot_be_allocated(self, world, make_request, colleagues):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        for name in ("pending", "deleted", "locked"):
            with pytest.raises(ApplicationError) as refused:
                services.request_allocate(
                    info_request=info_request,
                    actor=world["resp_allocator"],
                    handlers=[colleagues[name]],
                )
            assert refused.value.field == "handlers"
        assert not Allocation.objects.filter(
            handler__username__in=["pending", "deleted", "locked"]
        ).exists()

    def test_the_allocator_filters_by_department_and_keeps_the_allocated(
        self, client, world, make_request, colleagues
    ):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        response = _allocate_page(client, world, info_request, department="Vergunningen")
        page = " ".join(response.text.split())
        assert "Vera Handler" in page and "Toon Handler" not in page
        # resp_handler holds the request now: shown (ticked) whatever the filter, so that
        # allocating from a filtered list does not take it away unseen.
        assert str(world["resp_handler"]) in page
        assert 'value="Vergunningen" selected' in page
        assert "Toezicht" in page  # an option of the filter
        client.post(
            reverse("exchange:allocate", args=[info_request.pk]) + "?department=Vergunningen",
            {"handlers": [world["resp_handler"].pk, colleagues["vera"].pk]},
        )
        assert set(
            info_request.allocations.filter(is_active=True).values_list("handler", flat=True)
        ) == {world["resp_handler"].pk, colleagues["vera"].pk}

    def test_an_unknown_department_shows_nobody_new_and_says_so(
        self, client, world, make_request, colleagues
    ):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        response = _allocate_page(client, world, info_request, department="\x07" + "x" * 10_000)
        assert "Vera Handler" not in response.text
        assert "No request handler works in this department." in response.text

    def test_saving_the_allocation_unchanged_changes_nothing(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        form = _allocate_page(client, world, info_request).context["form"]
        assert form["handlers"].value() == [str(world["resp_handler"].pk)]
        # Reading the request page after it records the reading of personal data: not a change.
        changes = RequestEvent.objects.filter(info_request=info_request).exclude(
            code="request.personal_data_viewed"
        )
        events = changes.count()
        rows = list(Allocation.objects.values_list("pk", "handler", "is_active"))
        response = client.post(
            reverse("exchange:allocate", args=[info_request.pk]),
            {"handlers": form["handlers"].value()},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("exchange:detail", args=[info_request.pk])
        assert changes.count() == events
        assert list(Allocation.objects.values_list("pk", "handler", "is_active")) == rows

    def test_nobody_chosen_is_an_error_at_the_field(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        client.force_login(world["resp_allocator"])
        response = client.post(reverse("exchange:allocate", args=[info_request.pk]), {})
        assert response.status_code == 200
        assert 'id="id_handlers_error"' in response.text
        assert "Choose at least one request handler" in response.text
        assert 'href="#id_handlers_0"' in response.text  # the error summary leads to it


class TestQueue:
    def test_the_allocators_queue_holds_only_requests_to_allocate(
        self, client, world, make_request
    ):
        allocated = make_request(State.AWAITING_ACCEPTANCE, allocation=True)  # resp_handler
        waiting = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        Allocation.objects.filter(info_request=waiting).update(is_active=False)
        client.force_login(world["resp_allocator"])
        home = client.get(reverse("home")).context["home"]
        sections = {section.key: [r.pk for r in section.requests] for section in home.sections}
        assert sections == {"allocate": [waiting.pk]}
        assert allocated.pk not in sections["allocate"]


class TestTake:
    def test_a_handler_takes_a_request_and_colleagues_see_who_has_it(
        self, client, world, make_request
    ):
        info_request = make_request(State.AWAITING_ACCEPTANCE)  # allocation is off
        taker, colleague = world["resp_handler"], world["resp_handler2"]
        client.force_login(taker)
        page = client.get(reverse("exchange:detail", args=[info_request.pk])).text
        assert "I’ll handle this" in page
        response = client.post(reverse("exchange:take", args=[info_request.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("exchange:detail", args=[info_request.pk])
        page = " ".join(response.text.split())
        assert "You handle this request now. Your colleagues see it." in page
        assert "Handled by" in page and str(taker) in page
        assert "I’ll handle this" not in page  # once is enough
        assert "A request handler took the request" in page  # the timeline

        allocation = Allocation.objects.get(info_request=info_request, is_active=True)
        assert allocation.handler == taker and allocation.allocated_by == taker
        event = RequestEvent.objects.get(info_request=info_request, code="request.taken")
        assert event.actor == taker and event.data == {"handler": taker.pk}
        assert event.from_status == event.to_status == State.AWAITING_ACCEPTANCE

        client.force_login(colleague)
        detail = " ".join(
            client.get(reverse("exchange:detail", args=[info_request.pk])).text.split()
        )
        assert "Handled by" in detail and str(taker) in detail
        listed = " ".join(client.get(reverse("exchange:list")).text.split())
        assert f"Handled by {taker}" in listed
        # The colleague may still act (allocation is off) and may join.
        services.request_accept(info_request=info_request, actor=colleague)
        services.request_take(info_request=info_request, actor=colleague)
        assert set(
            info_request.allocations.filter(is_active=True).values_list("handler", flat=True)
        ) == {taker.pk, colleague.pk}

    def test_taking_twice_says_so(self, world, make_request):
        info_request = make_request(State.ACCEPTED)
        services.request_take(info_request=info_request, actor=world["resp_handler"])
        with pytest.raises(ApplicationError, match="You already handle this request"):
            services.request_take(info_request=info_request, actor=world["resp_handler"])
        assert RequestEvent.objects.filter(code="request.taken").count() == 1

    @pytest.mark.parametrize(
        "who", ["resp_allocator", "resp_basic", "resp_supervisor", "handler", "third_handler"]
    )
    def test_who_may_not_take(self, client, world, make_request, who):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        with pytest.raises(PermissionDenied):
            services.request_take(info_request=info_request, actor=world[who])
        client.force_login(world[who])
        assert client.post(reverse("exchange:take", args=[info_request.pk])).status_code == 404
        assert not Allocation.objects.filter(info_request=info_request).exists()

    def test_not_where_the_authority_works_with_allocation(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        with pytest.raises(PermissionDenied):
            services.request_take(info_request=info_request, actor=world["resp_handler2"])
        client.force_login(world["resp_handler"])
        page = client.get(reverse("exchange:detail", args=[info_request.pk])).text
        assert "I’ll handle this" not in page
        assert "Allocated to" in page

    def test_not_once_the_request_is_closed(self, world, make_request):
        info_request = make_request(State.CLOSED)
        with pytest.raises(services.TransitionNotAllowed):
            services.request_take(info_request=info_request, actor=world["resp_handler"])

    def test_anonymous_goes_to_the_login(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        response = client.post(reverse("exchange:take", args=[info_request.pk]))
        assert response.status_code == 302 and reverse("accounts:login") in response.url

    def test_get_leads_back_to_the_request(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        client.force_login(world["resp_handler"])
        response = client.get(reverse("exchange:take", args=[info_request.pk]))
        assert response.status_code == 405


def test_in_dutch(client, world, make_request, colleagues):
    """The new texts in the Dutch interface."""
    taken = make_request(State.AWAITING_ACCEPTANCE)
    client.force_login(world["resp_handler"])
    detail = client.get(reverse("exchange:detail", args=[taken.pk]), HTTP_ACCEPT_LANGUAGE="nl")
    assert "Ik behandel dit" in detail.text
    done = client.post(
        reverse("exchange:take", args=[taken.pk]), HTTP_ACCEPT_LANGUAGE="nl", follow=True
    )
    assert "U behandelt dit verzoek nu." in done.text and "Behandeld door" in done.text
    allocated = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
    client.force_login(world["resp_allocator"])
    page = client.get(
        reverse("exchange:allocate", args=[allocated.pk]),
        {"department": "Nergens"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert "Alle afdelingen" in page.text and "Vergunningen" in page.text
    assert "Op deze afdeling werkt geen behandelaar." in page.text
    refused = client.post(
        reverse("exchange:allocate", args=[allocated.pk]), {}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert "Kies ten minste één behandelaar" in refused.text
