"""Administration → Manage users: who may open and post what, and what the pages keep and say."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openimi.accounts.models import Role, User
from openimi.accounts.users import services
from openimi.exchange import services as exchange_services
from openimi.notifications.models import OutboxMessage
from tests.factories import LanguageFactory, UserFactory

OTHERS = ["basic_user", "handler", "allocator", "supervisor"]
USER_PAGES = [
    "users:details",
    "users:change",
    "users:reset_password",
    "users:delete",
    "users:hand_over",
]


@pytest.fixture(autouse=True)
def english(db):
    return LanguageFactory(code="en", names={"en": "English", "nl": "Engels"})


@pytest.fixture
def target(authority):
    """The user the pages are about: a colleague who has logged in."""
    return UserFactory(
        authority=authority, username="target", first_name="Tessa", last_name="Target"
    )


def form_data(user=None, **changes):
    data = {
        "first_name": "Pieter",
        "last_name": "de Kort",
        "language": "nl",
        "email": "p.dekort@oeteldonk.nl",
        "phone": "+31 73 1234567",
    }
    if user is not None:
        data = {name: getattr(user, name) for name in data}
    return {**data, **changes}


def url(name, user=None):
    return reverse(name, kwargs={"pk": user.pk} if user is not None else {})


def post_for(name, user):
    if name == "users:add":
        return form_data()
    if name == "users:change":
        return form_data(user, phone="+31 6 555")
    return {}


def unchanged(user) -> bool:
    before = {f: getattr(user, f) for f in ("phone", "status", "password", "is_active")}
    fresh = User.objects.filter(pk=user.pk).first()
    return fresh is not None and before == {f: getattr(fresh, f) for f in before}


class TestPermissionMatrix:
    @pytest.mark.parametrize("name", ["users:list", "users:add", "administration"])
    def test_the_administrator_opens_the_authority_pages(self, client, lda, name):
        client.force_login(lda)
        assert client.get(url(name)).status_code == 200

    @pytest.mark.parametrize("name", USER_PAGES)
    def test_the_administrator_opens_the_pages_of_a_user(self, client, lda, target, name):
        client.force_login(lda)
        assert client.get(url(name, target)).status_code == 200

    @pytest.mark.parametrize(
        "name", ["users:add", "users:change", "users:reset_password", "users:delete"]
    )
    def test_the_administrator_posts(self, client, lda, target, name):
        client.force_login(lda)
        page = url(name, None if name == "users:add" else target)
        response = client.post(page, post_for(name, target))
        assert response.status_code == 302
        expected = {
            "users:add": lambda: url("users:details", User.objects.get(username="pieter.dekort")),
            "users:change": lambda: url("users:list"),
            "users:reset_password": lambda: url("users:details", target),
            "users:delete": lambda: url("users:list"),
        }[name]()
        assert response.url == expected
        assert name == "users:add" or not unchanged(target)

    @pytest.mark.parametrize("who", OTHERS)
    @pytest.mark.parametrize("name", ["users:list", "users:add"])
    def test_other_roles_get_404_for_the_authority_pages(self, request, client, who, name):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url(name)).status_code == 404
        assert client.post(url(name), form_data()).status_code == 404
        assert not User.objects.filter(username="pieter.dekort").exists()

    @pytest.mark.parametrize("who", [*OTHERS, "other_lda"])
    @pytest.mark.parametrize("name", USER_PAGES)
    def test_others_get_404_for_a_user_of_the_authority(self, request, client, target, who, name):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url(name, target)).status_code == 404
        assert client.post(url(name, target), post_for(name, target)).status_code == 404
        assert unchanged(target)
        assert not OutboxMessage.objects.exists()

    def test_the_administrator_of_another_authority_adds_to_their_own(
        self, client, other_lda, other_authority, authority
    ):
        client.force_login(other_lda)
        assert client.post(url("users:add"), form_data(language="en")).status_code == 302
        added = User.objects.get(username="pieter.dekort")
        assert added.authority == other_authority

    @pytest.mark.parametrize("name", ["users:list", "users:add", *USER_PAGES])
    def test_anonymous_visitors_are_sent_to_login(self, client, target, name):
        page = url(name, None if name in ("users:list", "users:add") else target)
        for response in (client.get(page), client.post(page, post_for(name, target))):
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))
        assert unchanged(target)

    def test_a_missing_user_is_404(self, client, lda):
        client.force_login(lda)
        assert client.get(reverse("users:details", kwargs={"pk": 99999})).status_code == 404

    def test_a_deleted_user_has_only_the_details_page(self, client, lda, target):
        services.user_delete(actor=lda, user=target)
        client.force_login(lda)
        assert client.get(url("users:details", target)).status_code == 200
        for name in ("users:change", "users:reset_password", "users:delete"):
            assert client.get(url(name, target)).status_code == 404


class TestList:
    def test_the_seed_table(self, client, lda, target):
        client.force_login(lda)
        page = client.get(url("users:list")).content.decode()
        for header in ("Last name", "First name", "E-mail", "Telephone", "Username", "Status"):
            assert f">{header}</th>" in page
        assert "Add new user" in page
        assert url("users:change", target) in page
        assert url("users:reset_password", target) in page
        assert url("users:details", target) in page

    def test_warns_about_a_single_administrator(self, client, lda, target):
        client.force_login(lda)
        assert "fewer than two local data administrators" in client.get(url("users:list")).text
        assert "fewer than two local data administrators" in client.get(url("administration")).text

    def test_the_administration_page_links_here(self, client, lda):
        client.force_login(lda)
        page = client.get(url("administration")).text
        assert url("users:list") in page
        assert "only one user" in page

    def test_the_query_count_is_constant(self, client, lda, authority, django_assert_num_queries):
        client.force_login(lda)
        client.get(url("users:list"))

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url("users:list")).status_code == 200
            return len(queries)

        few = count()
        for _ in range(15):
            UserFactory(authority=authority)
        assert count() == few
        # session, user, authority, role grants (policy), the users, which of them are locked
        # (django-axes' attempts), the warnings (users and administrators, each counted to
        # two), and the session's idle-timeout refresh (savepoint, update, release)
        with django_assert_num_queries(11):
            client.get(url("users:list"))


class TestAddPage:
    def test_the_phone_starts_with_the_country_prefix(self, client, lda):
        client.force_login(lda)
        page = client.get(url("users:add")).text
        assert 'value="+31 "' in page
        assert "outside openimi" in page
        assert 'name="username"' not in page

    def test_a_rejected_form_keeps_what_was_typed(self, client, lda):
        client.force_login(lda)
        response = client.post(
            url("users:add"), form_data(last_name="", email="not-an-address", phone="+31 6 12")
        )
        assert response.status_code == 200
        page = response.text
        assert "There is a problem" in page
        assert "Enter the last name" in page
        assert "Enter an e-mail address like name@example.org" in page
        assert 'value="Pieter"' in page and 'value="not-an-address"' in page
        assert 'value="+31 6 12"' in page
        assert not User.objects.filter(first_name="Pieter").exists()

    def test_after_adding_the_details_page_says_what_to_do(self, client, lda, services_area):
        client.force_login(lda)
        data = form_data(request_handler=[services_area.pk], local_data_administrator="on")
        response = client.post(url("users:add"), data, follow=True)
        page = response.text
        added = User.objects.get(username="pieter.dekort")
        assert response.redirect_chain[-1][0] == url("users:details", added)
        assert "has been added with the username pieter.dekort" in page
        assert "outside openimi" in page
        assert "will be e-mailed to p.dekort@oeteldonk.nl on" in page
        assert "Request handler: Services" in page
        assert "Local data administrator" in page
        password = OutboxMessage.objects.get(recipient_user=added).body_text.split("\n\n")[3]
        assert added.check_password(password.strip())
        assert password.strip() not in page
        assert "openimi/print.mjs" in page


class TestChangePage:
    def test_the_username_is_editable_while_pending(self, client, lda, authority):
        user = services.user_create(
            actor=lda, authority=authority, roles=[], **form_data(language="en")
        )
        client.force_login(lda)
        assert 'name="username"' in client.get(url("users:change", user)).text
        response = client.post(url("users:change", user), form_data(user, username="PDK"))
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.username == "pdk"

    def test_not_after_the_first_login(self, client, lda, target):
        client.force_login(lda)
        assert 'name="username"' not in client.get(url("users:change", target)).text
        client.post(url("users:change", target), form_data(target, username="hijack"))
        target.refresh_from_db()
        assert target.username == "target"

    def test_the_last_administrator_keeps_the_role(self, client, lda):
        client.force_login(lda)
        response = client.post(url("users:change", lda), form_data(lda, phone="+31 6 777"))
        assert response.status_code == 200
        assert "only local data administrator" in response.text
        assert 'value="+31 6 777"' in response.text  # what was typed stays
        assert lda.role_grants.filter(role=Role.LOCAL_DATA_ADMINISTRATOR).exists()

    def test_with_open_requests_the_mandatory_fields_are_shown_not_asked(
        self, client, lda, handler, services_area
    ):
        draft = exchange_services.request_create_draft(actor=handler, area=services_area)
        client.force_login(lda)
        page = client.get(url("users:change", handler)).text
        assert "has requests assigned" in page
        assert f"Request {draft.pk}" in page
        assert 'name="last_name"' not in page
        response = client.post(
            url("users:change", handler),
            {"last_name": "Changed", "phone": "+31 6 1", "request_handler": [services_area.pk]},
        )
        assert response.status_code == 302
        handler.refresh_from_db()
        assert (handler.last_name, handler.phone) != ("Changed", "")
        assert handler.phone == "+31 6 1"


class TestDeletePage:
    def test_names_the_open_requests_and_offers_no_button(
        self, client, lda, handler, services_area
    ):
        draft = exchange_services.request_create_draft(actor=handler, area=services_area)
        client.force_login(lda)
        page = client.get(url("users:delete", handler)).text
        assert "cannot be deleted yet" in page
        assert f"Request {draft.pk}" in page
        assert "Delete user</button>" not in page
        response = client.post(url("users:delete", handler))
        assert response.status_code == 200
        assert "still has requests assigned" in response.text
        handler.refresh_from_db()
        assert handler.status == User.Status.ACTIVE

    def test_deleting_a_colleague(self, client, lda, target):
        client.force_login(lda)
        assert "Delete user</button>" in client.get(url("users:delete", target)).text
        client.post(url("users:delete", target))
        target.refresh_from_db()
        assert target.status == User.Status.INACTIVE


class TestResetPage:
    def test_reset_sends_a_mail_now(self, client, lda, target):
        client.force_login(lda)
        response = client.post(url("users:reset_password", target), follow=True)
        assert "A new temporary password has been e-mailed to Tessa Target" in response.text
        mail = OutboxMessage.objects.get(recipient_user=target)
        assert mail.status == OutboxMessage.Status.PENDING

    def test_the_own_password_is_changed_on_my_account(self, client, lda):
        client.force_login(lda)
        page = client.get(url("users:reset_password", lda)).text
        assert "go to My account" in page
        assert client.post(url("users:reset_password", lda)).status_code == 200
        assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_users_department_is_added_shown_kept_and_changed(client, lda, services_area):
    """Issue 15, item 11: a user has a department (the rollout table's column): Add user
    takes it, the list and the details show it, Change opens with it and keeps it."""
    client.force_login(lda)
    department = "Bouw en Woningtoezicht – 建築 " + "x" * 20
    response = client.post(url("users:add"), form_data(department=department), follow=True)
    added = User.objects.get(username="pieter.dekort")
    assert added.department == department.strip()
    assert department.strip() in response.text  # the details page
    assert department.strip() in client.get(url("users:list")).text

    change = client.get(url("users:change", added))
    assert change.context["form"]["department"].value() == department.strip()
    # Saved unchanged: nothing changes.
    keep = {"username": added.username}
    unchanged_save = client.post(
        url("users:change", added), form_data(added, department=added.department, **keep)
    )
    assert unchanged_save.status_code == 302
    added.refresh_from_db()
    assert added.department == department.strip()

    saved = client.post(
        url("users:change", added), form_data(added, department="Economische Zaken", **keep)
    )
    assert saved.status_code == 302, saved.text
    added.refresh_from_db()
    assert added.department == "Economische Zaken"

    too_long = client.post(
        url("users:change", added), form_data(added, department="d" * 201, **keep)
    )
    assert "Enter a department of at most 200 characters" in too_long.text
    assert 'value="' + "d" * 201 + '"' in too_long.text
    added.refresh_from_db()
    assert added.department == "Economische Zaken"


@pytest.mark.parametrize(("authority_language", "default"), [("de", "de"), ("ru", "en")])
def test_a_new_user_speaks_the_authoritys_language_from_26(
    client, lda, authority, authority_language, default
):
    """The list offers the 26 interface languages, each named in itself with its lang; a new
    user speaks the authority's language, or English where the interface has not got it."""
    LanguageFactory(code=authority_language)
    authority.language_id = authority_language
    authority.save(update_fields=["language"])
    client.force_login(lda)
    html = client.get(reverse("users:add")).content.decode()
    select = re.search(r'<select name="language"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="([a-z]+)"([^>]*)>', select)
    assert len(options) == 26
    assert all(f'lang="{value}"' in attributes for value, attributes in options)
    assert [value for value, attributes in options if "selected" in attributes] == [default]
