"""User administration services (seed 6.1, 6.2): user names, the temporary password and its
delayed e-mail, resets, the last local data administrator, users with open requests."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.test import Client
from django.urls import reverse

from openimi.accounts.models import Role, RoleGrant, SecurityEvent, User
from openimi.accounts.security_code import security_code_set
from openimi.accounts.users import selectors, services
from openimi.accounts.users.services import (
    OpenRequestsError,
    temporary_password_generate,
    username_generate,
)
from openimi.accounts.users.tasks import BLANKED_BODY
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import services as exchange_services
from openimi.notifications.models import OutboxMessage
from tests.accounts.conftest import is_logged_in, log_in
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401
from tests.factories import TEST_PASSWORD, UserFactory
from tests.notifications.conftest import run_worker  # noqa: F401
from tests.smtp import smtp_sink  # noqa: F401

PASSWORD_IN_MAIL = re.compile(r"^    (\S+)\r?$", re.MULTILINE)
NEW = {
    "first_name": "Pieter",
    "last_name": "de Kort",
    "language": "nl",
    "email": "p.dekort@oeteldonk.nl",
    "phone": "+31 73 1234567",
}


def create(actor, authority, roles=(), **changes):
    return services.user_create(
        actor=actor, authority=authority, roles=list(roles), **{**NEW, **changes}
    )


def update(actor, user, **changes):
    values = {name: getattr(user, name) for name in NEW}
    return services.user_update(actor=actor, user=user, **{**values, **changes})


def mail_of(user) -> OutboxMessage:
    return OutboxMessage.objects.get(recipient_user=user, status=OutboxMessage.Status.PENDING)


def password_in(body: str) -> str:
    return PASSWORD_IN_MAIL.search(body).group(1)


def no_secret_logged(password: str) -> None:
    for event in SecurityEvent.objects.all():
        assert password not in event.detail
        assert password not in event.username_attempted


class TestUsernames:
    @pytest.mark.parametrize(
        ("first", "last", "expected"),
        [
            ("Pieter", "de Kort", "pieter.dekort"),
            ("Zoë", "Ångström-Ørsted", "zoe.angstromorsted"),
            ("Jürgen", "Groß", "jurgen.gross"),
            ("Łucja", "Wąs", "lucja.was"),
            ("Γιώργος", "Παπαδόπουλος", "giorgos.papadopoulos"),
            ("Иван", "Петров", "ivan.petrov"),
            ("Андрей", "Йорданов", "andrey.yordanov"),
            (" Anne-Marie ", "O'Brien", "annemarie.obrien"),
            ("", "Jansen", "jansen"),
            ("???", "!!!", "user"),
        ],
    )
    def test_made_from_the_names_in_ascii_lower_case(self, db, first, last, expected):
        assert username_generate(first, last) == expected

    def test_a_taken_name_gets_a_number(self, db):
        UserFactory(username="pieter.dekort")
        assert username_generate("Pieter", "de Kort") == "pieter.dekort2"
        UserFactory(username="Pieter.DeKort2")  # taken in another case counts too
        assert username_generate("Pieter", "de Kort") == "pieter.dekort3"

    def test_create_numbers_the_second_namesake(self, lda, authority):
        first = create(lda, authority)
        second = create(lda, authority, email="other@oeteldonk.nl")
        assert (first.username, second.username) == ("pieter.dekort", "pieter.dekort2")


class TestTemporaryPassword:
    def test_readable_long_and_accepted_by_the_validators(self, db):
        password = temporary_password_generate()
        assert re.fullmatch(r"([a-km-zA-HJ-NP-Z2-9]{4}-){3}[a-km-zA-HJ-NP-Z2-9]{4}", password)
        validate_password(password, User(username="pieter.dekort", first_name="Pieter"))
        assert password != temporary_password_generate()


class TestCreate:
    def test_a_pending_user_with_roles_and_a_delayed_mail(
        self, lda, authority, services_area, clock, settings
    ):
        user = create(
            lda,
            authority,
            roles=[(Role.REQUEST_HANDLER, services_area), (Role.LOCAL_DATA_ADMINISTRATOR, None)],
        )
        user.refresh_from_db()
        assert user.status == User.Status.PENDING
        assert user.must_change_password
        assert (user.username, user.language, user.phone) == (
            "pieter.dekort",
            "nl",
            "+31 73 1234567",
        )
        assert set(user.role_grants.values_list("role", "area")) == {
            (Role.REQUEST_HANDLER, services_area.pk),
            (Role.LOCAL_DATA_ADMINISTRATOR, None),
        }
        mail = mail_of(user)
        assert mail.next_attempt_at == clock.now + settings.TEMPORARY_PASSWORD_DELAY
        assert mail.next_attempt_at == clock.now + timedelta(hours=24)
        assert (mail.recipient_email, mail.language, mail.cc) == (user.email, "nl", [])
        password = password_in(mail.body_text)
        assert user.check_password(password)
        assert "pieter.dekort" not in mail.body_text + mail.subject
        assert settings.SITE_URL + reverse("accounts:login") in mail.body_text
        # In the recipient's language (Dutch here): "tijdelijk wachtwoord".
        assert "tijdelijk" in mail.body_text.lower()
        events = set(SecurityEvent.objects.filter(user=user).values_list("event", flat=True))
        assert events == {services.EVENT_CREATED, services.EVENT_ROLES_CHANGED}
        no_secret_logged(password)

    def test_the_delay_is_a_setting(self, lda, authority, clock, settings):
        settings.TEMPORARY_PASSWORD_DELAY = timedelta(hours=2)
        user = create(lda, authority)
        assert mail_of(user).next_attempt_at == clock.now + timedelta(hours=2)

    def test_a_phone_that_is_only_the_country_prefix_is_no_phone(self, lda, authority):
        assert create(lda, authority, phone="+31 ").phone == ""

    def test_roles_only_in_the_areas_of_the_authority(self, lda, authority):
        from tests.factories import LegislativeAreaFactory

        elsewhere = LegislativeAreaFactory(code="professional_qualifications")
        with pytest.raises(ApplicationError):
            create(lda, authority, roles=[(Role.REQUEST_HANDLER, elsewhere)])
        assert not User.objects.filter(username="pieter.dekort").exists()

    @pytest.mark.parametrize(
        "who", ["basic_user", "handler", "allocator", "supervisor", "other_lda"]
    )
    def test_only_an_administrator_of_the_authority(self, request, authority, who):
        with pytest.raises(PermissionDenied):
            create(request.getfixturevalue(who), authority)
        assert not OutboxMessage.objects.exists()

    def test_a_chosen_username_must_be_free_and_plain(self, lda, authority, handler):
        with pytest.raises(ApplicationError) as taken:
            create(lda, authority, username="HANDLER")
        assert taken.value.field == "username"
        with pytest.raises(ApplicationError):
            create(lda, authority, username="pieter de kort")
        assert create(lda, authority, username="p.dekort").username == "p.dekort"


class TestUpdate:
    def test_the_username_may_change_while_pending(self, lda, authority):
        user = create(lda, authority)
        update(lda, user, username="pdk")
        user.refresh_from_db()
        assert user.username == "pdk"

    def test_not_after_the_first_login(self, lda, handler):
        with pytest.raises(ApplicationError) as refused:
            update(lda, handler, username="someone.else")
        assert refused.value.field == "username"
        handler.refresh_from_db()
        assert handler.username == "handler"

    def test_a_new_address_of_a_pending_user_gets_a_new_password_at_the_same_time(
        self, lda, authority, clock
    ):
        user = create(lda, authority)
        first = mail_of(user)
        clock.advance(hours=3)
        update(lda, user, email="pieter@oeteldonk.nl")
        first.refresh_from_db()
        assert first.status == OutboxMessage.Status.CANCELLED
        assert first.body_text == BLANKED_BODY
        second = mail_of(user)
        assert second.recipient_email == "pieter@oeteldonk.nl"
        assert second.next_attempt_at == first.next_attempt_at  # still 24 h after creation
        user.refresh_from_db()
        assert user.check_password(password_in(second.body_text))

    def test_details_and_roles_in_one_go(self, lda, handler, services_area):
        update(lda, handler, phone="+31 6 1234", roles=[(Role.ALLOCATOR, services_area)])
        handler.refresh_from_db()
        assert handler.phone == "+31 6 1234"
        assert list(handler.role_grants.values_list("role", flat=True)) == [Role.ALLOCATOR]
        assert SecurityEvent.objects.filter(user=handler, event="roles.changed").exists()

    def test_another_authority_may_not(self, other_lda, handler):
        with pytest.raises(PermissionDenied):
            update(other_lda, handler, phone="0")


class TestResetPassword:
    def test_a_new_temporary_password_at_once_sessions_end_code_kept(self, lda, handler, clock):
        security_code_set(user=handler, code="K4nt0or#Blok")
        browser = Client()
        browser.force_login(handler)
        assert browser.get(reverse("accounts:account")).status_code == 200

        services.user_reset_password(actor=lda, user=handler)

        handler.refresh_from_db()
        assert handler.must_change_password
        assert not handler.check_password(TEST_PASSWORD)
        assert handler.has_security_code
        mail = mail_of(handler)
        assert mail.next_attempt_at == clock.now  # not delayed
        assert handler.check_password(password_in(mail.body_text))
        assert "handler" not in mail.body_text.split("Log in at")[0]
        assert browser.get(reverse("accounts:account")).status_code == 302
        event = SecurityEvent.objects.get(user=handler, event=SecurityEvent.Code.PASSWORD_RESET)
        assert event.detail == "by lda"
        no_secret_logged(password_in(mail.body_text))

    @pytest.mark.parametrize(("days", "works"), [(13, True), (14, False)])
    def test_a_temporary_password_expires(self, lda, handler, clock, settings, days, works):
        settings.TEMPORARY_PASSWORD_VALID = timedelta(days=14)
        security_code_set(user=handler, code="K4nt0or#Blok")
        services.user_reset_password(actor=lda, user=handler)
        temporary = password_in(mail_of(handler).body_text)
        clock.advance(days=days)

        browser = Client()
        response, _positions = log_in(browser, handler.username, temporary, "K4nt0or#Blok")

        if works:
            assert response.url == reverse("accounts:setup_password")
            return
        assert response.status_code == 200
        assert "Your temporary password has expired" in response.content.decode()
        assert not is_logged_in(browser)
        event = SecurityEvent.objects.filter(user=handler).latest("pk")
        assert (event.event, event.detail) == (
            SecurityEvent.Code.LOGIN_FAILED,
            "temporary password expired",
        )

    def test_the_password_the_user_chooses_does_not_expire(self, lda, handler, clock):
        security_code_set(user=handler, code="K4nt0or#Blok")
        services.user_reset_password(actor=lda, user=handler)
        handler.refresh_from_db()
        assert handler.temporary_password_expires_at == clock.now + timedelta(days=14)
        browser = Client()
        log_in(browser, handler.username, password_in(mail_of(handler).body_text), "K4nt0or#Blok")
        chosen = "Zelf-gekozen-2026!"
        response = browser.post(
            reverse("accounts:setup_password"), {"new_password1": chosen, "new_password2": chosen}
        )
        assert response.status_code == 302
        handler.refresh_from_db()
        assert (handler.must_change_password, handler.temporary_password_expires_at) == (
            False,
            None,
        )
        clock.advance(days=30)
        response, _positions = log_in(Client(), handler.username, chosen, "K4nt0or#Blok")
        assert response.status_code == 302 and "expired" not in response.url

    def test_a_waiting_first_password_is_replaced(self, lda, authority):
        user = create(lda, authority)
        first = mail_of(user)
        services.user_reset_password(actor=lda, user=user)
        first.refresh_from_db()
        assert (first.status, first.body_text) == (OutboxMessage.Status.CANCELLED, BLANKED_BODY)
        assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 1

    def test_not_the_own_password(self, lda):
        with pytest.raises(ApplicationError):
            services.user_reset_password(actor=lda, user=lda)

    @pytest.mark.parametrize("who", ["handler", "other_lda"])
    def test_only_an_administrator_of_the_authority(self, request, basic_user, who):
        with pytest.raises(PermissionDenied):
            services.user_reset_password(actor=request.getfixturevalue(who), user=basic_user)
        basic_user.refresh_from_db()
        assert basic_user.check_password(TEST_PASSWORD)


class TestLastAdministrator:
    def test_cannot_give_up_the_own_role(self, lda):
        with pytest.raises(ApplicationError) as refused:
            services.user_roles_set(actor=lda, user=lda, roles=[])
        assert refused.value.field == Role.LOCAL_DATA_ADMINISTRATOR
        assert lda.role_grants.filter(role=Role.LOCAL_DATA_ADMINISTRATOR).exists()

    def test_cannot_be_deleted(self, lda):
        with pytest.raises(ApplicationError, match="only local data administrator"):
            services.user_delete(actor=lda, user=lda)
        lda.refresh_from_db()
        assert (lda.status, lda.is_active) == (User.Status.ACTIVE, True)

    def test_a_colleague_who_never_logged_in_does_not_count(self, lda, authority):
        create(lda, authority, roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)])
        with pytest.raises(ApplicationError):
            services.user_roles_set(actor=lda, user=lda, roles=[])

    def test_with_a_second_administrator_the_role_may_go(self, lda, authority):
        UserFactory(authority=authority, roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)])
        services.user_roles_set(actor=lda, user=lda, roles=[])
        assert not lda.role_grants.exists()

    def test_nobody_deletes_their_own_account(self, lda, authority):
        UserFactory(authority=authority, roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)])
        with pytest.raises(ApplicationError, match="your own account"):
            services.user_delete(actor=lda, user=lda)


class TestDelete:
    def test_a_pending_user_who_never_logged_in_is_removed(self, lda, authority):
        user = create(lda, authority)
        mail = mail_of(user)
        assert services.user_delete(actor=lda, user=user) is True
        assert not User.objects.filter(pk=user.pk).exists()
        mail.refresh_from_db()
        assert (mail.status, mail.body_text) == (OutboxMessage.Status.CANCELLED, BLANKED_BODY)
        event = SecurityEvent.objects.get(event=services.EVENT_DELETED)
        assert event.username_attempted == "pieter.dekort"

    def test_a_user_who_has_logged_in_stays_inactive(self, lda, basic_user):
        assert services.user_delete(actor=lda, user=basic_user) is False
        basic_user.refresh_from_db()
        assert (basic_user.status, basic_user.is_active) == (User.Status.INACTIVE, False)
        with pytest.raises(ApplicationError):
            services.user_reset_password(actor=lda, user=basic_user)

    def test_another_authority_may_not(self, other_lda, basic_user):
        with pytest.raises(PermissionDenied):
            services.user_delete(actor=other_lda, user=basic_user)


class TestOpenRequests:
    @pytest.fixture
    def draft(self, handler, services_area):
        return exchange_services.request_create_draft(actor=handler, area=services_area)

    def test_a_user_with_a_draft_cannot_be_deleted(self, lda, handler, draft):
        with pytest.raises(OpenRequestsError) as refused:
            services.user_delete(actor=lda, user=handler)
        assert [r.pk for r in refused.value.requests] == [draft.pk]
        handler.refresh_from_db()
        assert handler.status == User.Status.ACTIVE

    def test_once_handled_they_can(self, lda, handler, draft):
        exchange_services.request_delete_draft(info_request=draft, actor=handler)
        assert services.user_delete(actor=lda, user=handler) is False

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("first_name", "Piet"),
            ("last_name", "Other"),
            ("language", "nl"),
            ("email", "new@oeteldonk.nl"),
        ],
    )
    def test_mandatory_fields_are_locked(self, lda, handler, draft, field, value):
        with pytest.raises(ApplicationError) as refused:
            update(lda, handler, **{field: value})
        assert refused.value.field == field
        handler.refresh_from_db()
        assert getattr(handler, field) != value

    def test_other_fields_are_not(self, lda, handler, draft):
        update(lda, handler, phone="+31 6 99")
        handler.refresh_from_db()
        assert handler.phone == "+31 6 99"

    def test_the_handler_role_stays_for_that_area(self, lda, handler, draft, services_area):
        with pytest.raises(ApplicationError):
            services.user_roles_set(actor=lda, user=handler, roles=[])
        assert RoleGrant.objects.filter(user=handler, role=Role.REQUEST_HANDLER).exists()

    def test_allocated_requests_count(self, world, make_request):  # noqa: F811
        info_request = make_request("accepted", allocation=True)
        allocated = world["resp_handler"]
        assert list(selectors.open_request_list(user=allocated)) == [info_request]
        assert selectors.open_request_list(user=allocated).get().allocated_to_user
        with pytest.raises(OpenRequestsError):
            services.user_delete(actor=world["resp_lda"], user=allocated)
        # The request handler who sent it has it open too; nobody else does.
        assert selectors.open_request_list(user=world["handler"]).get() == info_request
        assert not selectors.open_request_list(user=world["resp_handler2"]).exists()

    def test_finished_requests_do_not_count(self, world, make_request):  # noqa: F811
        make_request("closed", allocation=True)
        assert not selectors.open_request_list(user=world["resp_handler"]).exists()
        assert not selectors.open_request_list(user=world["handler"]).exists()


class TestWarnings:
    def test_one_user(self, lda, authority):
        [warning] = selectors.authority_user_warnings(authority=authority)
        assert "only one user" in warning

    def test_fewer_than_two_administrators(self, lda, handler, authority):
        [warning] = selectors.authority_user_warnings(authority=authority)
        assert "fewer than two local data administrators" in warning

    def test_none_with_two_administrators(self, lda, authority):
        UserFactory(authority=authority, roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)])
        assert selectors.authority_user_warnings(authority=authority) == []

    def test_deleted_users_do_not_count(self, lda, authority):
        other = UserFactory(authority=authority, roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)])
        services.user_delete(actor=lda, user=other)
        assert len(selectors.authority_user_warnings(authority=authority)) == 1


@pytest.mark.django_db(transaction=True)
class TestMailDelivery:
    """The real worker, a real SMTP server, and a clock that moves only when told."""

    def test_the_first_password_leaves_only_after_the_delay(
        self,
        lda,
        authority,
        clock,
        run_worker,  # noqa: F811
        smtp_sink,  # noqa: F811
    ):
        user = create(lda, authority)

        run_worker()
        clock.advance(hours=23, minutes=59)
        run_worker()
        assert smtp_sink.messages == []

        clock.advance(minutes=2)
        run_worker()
        [received] = smtp_sink.messages
        assert received["To"] == "p.dekort@oeteldonk.nl"
        assert received["Content-Language"] == "nl"
        body = received.get_body(("plain",)).get_content()
        password = password_in(body)
        user.refresh_from_db()
        assert user.check_password(password)
        assert "pieter.dekort" not in body

        # The stored copy keeps the password a few minutes, then loses it.
        mail = OutboxMessage.objects.get(recipient_user=user)
        assert mail.status == OutboxMessage.Status.SENT
        clock.advance(minutes=6)
        run_worker()
        mail.refresh_from_db()
        assert mail.body_text == BLANKED_BODY
        assert password not in mail.subject

    def test_a_reset_password_leaves_at_once(
        self,
        lda,
        handler,
        run_worker,  # noqa: F811
        smtp_sink,  # noqa: F811
    ):
        services.user_reset_password(actor=lda, user=handler)
        run_worker()
        [received] = smtp_sink.messages
        assert received["To"] == handler.email
        handler.refresh_from_db()
        assert handler.check_password(password_in(received.get_body(("plain",)).get_content()))
