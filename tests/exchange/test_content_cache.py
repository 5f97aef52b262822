"""The content cache (common/content_cache.py): a repeated read is served from the cache, and
every write that changes what a page shows makes the next read render it afresh.

These tests commit for real (``transaction=True``): the versions move when a transaction
commits, which a test wrapped in a rolled-back transaction never does.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openimi.accounts.models import Role
from openimi.accounts.users import services as user_services
from openimi.authorities import services as authority_services
from openimi.common import content_cache
from openimi.common.models import ContentVersion
from openimi.exchange import events, services
from openimi.exchange.models import RequestEvent
from openimi.exchange.workflow import State
from tests.exchange.conftest import PROVIDER_NAME

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def content_cache_on(settings):
    settings.CONTENT_CACHE_SECONDS = 120
    caches[content_cache.CACHE_ALIAS].clear()
    yield
    caches[content_cache.CACHE_ALIAS].clear()


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def _cached(client, url):
    """Read twice: the second read must come from the cache (far fewer queries)."""
    first, rendered = _get(client, url)
    second, served = _get(client, url)
    assert served < rendered, (rendered, served)
    return first, second, rendered, served


class TestReads:
    @pytest.mark.parametrize(
        "url",
        ["home", "exchange:list", "exchange:outgoing", "authorities:search"],
    )
    def test_a_repeated_read_comes_from_the_cache(self, client, world, make_request, url):
        make_request(State.ACCEPTED)
        client.force_login(world["resp_supervisor"])
        first, second, rendered, served = _cached(client, reverse(url) + "?q=Gemeente")
        # Session, user, grants, authority, versions, session refresh (3): the floor's and one.
        assert served == 8
        body = re.sub(r'(value="|X-CSRFToken": "|nonce=")[^"]+', r"\1", first.text)
        again = re.sub(r'(value="|X-CSRFToken": "|nonce=")[^"]+', r"\1", second.text)
        assert again == body

    def test_the_csrf_token_and_nonce_are_this_responses(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        client.force_login(world["resp_handler"])
        url = reverse("exchange:detail", args=[info_request.pk])
        _get(client, url)
        page, _queries = _get(client, url)
        assert content_cache.CSRF_MARK not in page.text
        assert content_cache.NONCE_MARK not in page.text
        nonce = re.search(r'<script nonce="([^"]+)"', page.text).group(1)
        assert f"'nonce-{nonce}'" in page["Content-Security-Policy"]
        # The token on the cached page works: accepting through its form succeeds.
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        client.handler.enforce_csrf_checks = True
        response = client.post(
            reverse("exchange:accept", args=[info_request.pk]),
            {"csrfmiddlewaretoken": token},
        )
        assert response.status_code in (200, 302)
        info_request.refresh_from_db()
        if response.status_code == 302:
            assert info_request.status == State.ACCEPTED

    @pytest.mark.parametrize(("name", "queries"), [("handler", 10), ("resp_basic", 9)])
    def test_a_request_page_from_the_cache(self, client, world, make_request, name, queries):
        """The page's queries plus the request row (the policy decides on it) and, where the
        page shows personal data, the check and the audit insert."""
        info_request = make_request(State.ACCEPTED)
        client.force_login(world[name])
        _first, _second, _rendered, served = _cached(
            client, reverse("exchange:detail", args=[info_request.pk])
        )
        assert served == queries

    def test_a_kept_page_is_refused_like_any_other(self, client, world, make_request):
        """The policy decides before the cache: another authority gets 404, a basic user of
        the same authority no personal data, an anonymous visitor the login page."""
        info_request = make_request(State.ACCEPTED)
        url = reverse("exchange:detail", args=[info_request.pk])
        client.force_login(world["handler"])
        _first, second, _rendered, _served = _cached(client, url)
        assert PROVIDER_NAME in second.text
        client.force_login(world["third_handler"])
        assert client.get(url).status_code == 404
        client.force_login(world["basic"])
        page, _queries = _get(client, url)
        assert PROVIDER_NAME not in page.text
        client.logout()
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_each_user_has_their_own_page(self, client, world, make_request):
        make_request(State.ACCEPTED)
        client.force_login(world["resp_supervisor"])
        _cached(client, reverse("exchange:list"))
        client.force_login(world["resp_basic"])
        page, _queries = _get(client, reverse("exchange:list"))
        assert "resp_basic" in page.text or world["resp_basic"].get_full_name() in page.text
        assert world["resp_supervisor"].get_full_name() not in page.text

    def test_coordinators_pages_are_not_kept(self, client, world, make_request):
        make_request(State.ACCEPTED)
        client.force_login(world["resp_coord_handler"])
        _page, first = _get(client, reverse("exchange:list"))
        _page, second = _get(client, reverse("exchange:list"))
        assert second == first

    def test_flash_messages_are_never_kept(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        client.force_login(world["resp_handler"])
        url = reverse("exchange:detail", args=[info_request.pk])
        _get(client, url)
        response = client.post(reverse("exchange:accept", args=[info_request.pk]), follow=True)
        assert response.status_code == 200
        messages = [str(message) for message in response.context["messages"]]
        assert messages and all(message in response.text for message in messages)
        page, _queries = _get(client, url)
        assert not any(message in page.text for message in messages)

    def test_the_api_list_is_kept_and_follows_writes(self, world, make_request):
        from rest_framework.test import APIClient

        info_request = make_request(State.AWAITING_ACCEPTANCE)
        api = APIClient()
        api.force_authenticate(world["resp_handler"])
        url = reverse("api:requests")
        first = api.get(url)
        assert first.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            again = api.get(url)
        assert again.json() == first.json()
        assert len(queries.captured_queries) <= 5
        services.request_accept(info_request=info_request, actor=world["resp_handler"])
        after = api.get(url).json()
        row = next(row for row in after["results"] if row["id"] == info_request.pk)
        assert row["status"] == State.ACCEPTED


class TestWritesMakePagesFresh:
    def test_a_transition_shows_on_both_sides(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        detail = reverse("exchange:detail", args=[info_request.pk])
        client.force_login(world["handler"])
        _cached(client, reverse("exchange:outgoing"))
        _cached(client, detail)
        services.request_accept(info_request=info_request, actor=world["resp_handler"])
        accepted = str(State.ACCEPTED.label)
        outgoing, _queries = _get(client, reverse("exchange:outgoing"))
        assert accepted in outgoing.text
        page, _queries = _get(client, detail)
        assert accepted in page.text

    def test_a_forward_freshens_the_authority_it_leaves(self, client, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        link = reverse("exchange:detail", args=[info_request.pk])
        client.force_login(world["resp_supervisor"])
        first, _second, _r, _s = _cached(client, reverse("exchange:list"))
        assert link in first.text
        services.request_forward(
            info_request=info_request,
            actor=world["resp_handler"],
            to_authority=world.target,
            note="Not ours: the chamber of crafts keeps this register.",
            note_language="en",
        )
        page, _queries = _get(client, reverse("exchange:list"))
        assert link not in page.text

    def test_viewing_personal_data_is_recorded_on_every_read(self, client, world, make_request):
        info_request = make_request(State.ACCEPTED)
        client.force_login(world["handler"])
        url = reverse("exchange:detail", args=[info_request.pk])
        views = RequestEvent.objects.filter(
            info_request=info_request, code=events.PERSONAL_DATA_VIEWED
        )
        before = views.count()
        _first, second, _rendered, _served = _cached(client, url)
        assert PROVIDER_NAME in second.text
        assert views.count() == before + 2
        # Recording a view does not make the page stale (it would never be kept).
        _page, served = _get(client, url)
        assert served == _served
        assert views.count() == before + 3

    def test_removed_personal_data_leaves_the_kept_page(self, client, world, make_request):
        from openimi.retention.services import retention_run

        info_request = make_request(State.CLOSED)
        client.force_login(world["handler"])
        url = reverse("exchange:detail", args=[info_request.pk])
        _first, second, _r, _s = _cached(client, url)
        assert PROVIDER_NAME in second.text
        result = retention_run(now=info_request.closed_at + dt.timedelta(days=3 * 366))
        assert result.deleted + result.blocked >= 1
        page, _queries = _get(client, url)
        assert PROVIDER_NAME not in page.text

    def test_new_roles_change_the_page(self, client, world, make_request):
        make_request(State.AWAITING_ACCEPTANCE)
        basic = world["resp_basic"]
        client.force_login(basic)
        _cached(client, reverse("home"))
        user_services.user_roles_set(
            actor=world["resp_lda"], user=basic, roles=[(Role.REQUEST_HANDLER, world.area)]
        )
        version = ContentVersion.objects.get(
            scope=content_cache.authority_scope(basic.authority_id)
        )
        assert version.token
        _page, queries = _get(client, reverse("home"))
        assert queries > 9  # rendered again

    def test_a_renamed_authority_shows_everywhere(self, client, world, make_request):
        make_request(State.AWAITING_ACCEPTANCE)
        client.force_login(world["resp_handler"])
        _cached(client, reverse("exchange:list"))
        authority_services.authority_update_contact(
            authority=world.requesting, actor=world["lda"], informal_title="Gemeente Nieuwdonk"
        )
        page, _queries = _get(client, reverse("exchange:list"))
        assert "Gemeente Nieuwdonk" in page.text

    def test_a_new_day_renders_again(self, client, world, make_request, monkeypatch):
        make_request(State.ACCEPTED)
        client.force_login(world["resp_handler"])
        _first, _second, rendered, _served = _cached(client, reverse("exchange:list"))
        tomorrow = content_cache.timezone.localdate() + dt.timedelta(days=1)
        monkeypatch.setattr(content_cache.timezone, "localdate", lambda: tomorrow)
        _page, queries = _get(client, reverse("exchange:list"))
        assert queries == rendered

    def test_a_rolled_back_write_moves_nothing(self, world):
        from django.db import transaction

        scope = content_cache.authority_scope(world.requesting.pk)
        content_cache.bump([scope])
        token = ContentVersion.objects.get(scope=scope).token
        with pytest.raises(RuntimeError), transaction.atomic():
            content_cache.changed(authorities=[world.requesting.pk])
            raise RuntimeError
        assert ContentVersion.objects.get(scope=scope).token == token
        with transaction.atomic():
            content_cache.changed(authorities=[world.requesting.pk])
        assert ContentVersion.objects.get(scope=scope).token != token


def test_off_when_the_setting_is_zero(client, world, make_request, settings):
    settings.CONTENT_CACHE_SECONDS = 0
    make_request(State.ACCEPTED)
    client.force_login(world["resp_handler"])
    _page, first = _get(client, reverse("exchange:list"))
    _page, second = _get(client, reverse("exchange:list"))
    assert second == first
