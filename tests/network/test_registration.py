"""Registration services (issue 19, item 2): who may register what, the first local data
administrator and the mail with the temporary password, requests to join validated and
declined, each leaving an event; bad input writes nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from openimi.accounts.models import Role, User
from openimi.accounts.users import services as user_services
from openimi.authorities.models import AreaPreferences, Authority
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.network.models import AuthorityEvent, JoinRequest
from openimi.network.services import registration as services
from openimi.notifications.models import OutboxMessage
from tests.accounts.conftest import (
    _fast_hasher,  # noqa: F401
    is_logged_in,
    log_in,
)
from tests.clock import clock  # noqa: F401
from tests.factories import UserFactory
from tests.notifications.conftest import run_worker  # noqa: F401
from tests.smtp import smtp_sink  # noqa: F401

NEW_PASSWORD = "Maasdijk-Lente-2010"

ADMINISTRATOR = {
    "first_name": "Pieter",
    "last_name": "de Kort",
    "email": "p.dekort@bommelerwaard.nl",
    "language": "nl",
}


def register(actor, country, *, areas, **changes):
    values = {
        "kind": Authority.Kind.COMPETENT_AUTHORITY,
        "official_name": "Gemeente Bommelerwaard",
        "informal_title": "Gemeente Bommelerwaard (gemeente)",
        "language": "nl",
        "street": "Hoogstraat 1",
        "postal_code": "5301 BB",
        "city": "Zaltbommel",
        "email": "imi@bommelerwaard.nl",
        "phone": "+31 418 123456",
        "website": "https://www.bommelerwaard.nl",
        "administrator": dict(ADMINISTRATOR),
    }
    return services.authority_register(
        actor=actor, country=country, areas=areas, **{**values, **changes}
    )


def join(country, areas, **changes):
    values = {
        "language": "nl",
        "official_name": "Gemeente Maasdriel",
        "informal_title": "Gemeente Maasdriel (gemeente)",
        "kind_of_work": "Vergunningen voor horeca",
        "street": "Kerkstraat 1",
        "postal_code": "5331 CA",
        "city": "Kerkdriel",
        "email": "imi@maasdriel.nl",
        "phone": "",
        "website": "",
        "administrator_first_name": "Anke",
        "administrator_last_name": "Jansen",
        "administrator_email": "a.jansen@maasdriel.nl",
        "administrator_phone": "",
    }
    return services.join_request_submit(country=country, areas=areas, **{**values, **changes})


def password_mail(user) -> OutboxMessage:
    return OutboxMessage.objects.get(recipient_user=user, event_code="account.temporary_password")


class TestRegister:
    def test_the_national_coordinator_registers_with_the_first_administrator(
        self,
        national_coordinator_lda,
        nl,
        services_area,
        coordinator,
        clock,  # noqa: F811
        settings,
    ):
        authority = register(national_coordinator_lda, nl, areas=[(services_area, coordinator)])
        authority.refresh_from_db()
        assert (authority.country_id, authority.kind, authority.language_id) == (
            "NL",
            Authority.Kind.COMPETENT_AUTHORITY,
            "nl",
        )
        preferences = AreaPreferences.objects.get(authority=authority)
        assert (preferences.area, preferences.supervising_coordinator) == (
            services_area,
            coordinator,
        )
        administrator = User.objects.get(authority=authority)
        assert (administrator.username, administrator.status) == (
            "pieter.dekort",
            User.Status.PENDING,
        )
        assert set(administrator.role_grants.values_list("role", "area")) == {
            (Role.LOCAL_DATA_ADMINISTRATOR, None)
        }
        mail = password_mail(administrator)
        assert mail.recipient_email == "p.dekort@bommelerwaard.nl"
        assert mail.language == "nl"
        assert mail.next_attempt_at == clock.now + settings.TEMPORARY_PASSWORD_DELAY
        event = AuthorityEvent.objects.get(authority=authority)
        assert event.kind == AuthorityEvent.Kind.REGISTERED
        assert event.actor == national_coordinator_lda
        assert event.details["areas"] == [{"area": "services", "coordinator": coordinator.pk}]
        assert event.details["administrator"] == "pieter.dekort"

    def test_the_new_administrator_logs_in_with_the_mailed_password_and_adds_a_handler(
        self,
        national_coordinator_lda,
        nl,
        services_area,
        coordinator,
        _fast_hasher,  # noqa: F811
    ):
        from tests.accounts.test_users import password_in

        authority = register(national_coordinator_lda, nl, areas=[(services_area, coordinator)])
        administrator = User.objects.get(authority=authority)
        temporary = password_in(password_mail(administrator).body_text)
        client = Client()
        response, _ = log_in(client, administrator.username, temporary, code=None)
        assert response.url == reverse("accounts:setup_password")
        client.post(
            reverse("accounts:setup_password"),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        client.post(
            reverse("accounts:setup_security_code"),
            {"code1": "Bommel#2026x", "code2": "Bommel#2026x"},
        )
        assert is_logged_in(client)
        administrator.refresh_from_db()
        assert administrator.status == User.Status.ACTIVE
        # It sets up the authority and a handler.
        assert client.get(reverse("authorities:manage")).status_code == 200
        response = client.post(
            reverse("users:add"),
            {
                "first_name": "Henk",
                "last_name": "Visser",
                "language": "nl",
                "email": "h.visser@bommelerwaard.nl",
                f"{Role.REQUEST_HANDLER}": [services_area.pk],
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        handler = User.objects.get(authority=authority, username="henk.visser")
        assert handler.role_grants.filter(role=Role.REQUEST_HANDLER).exists()

    def test_the_network_administrator_registers_a_national_coordinator(
        self, network_admin, de, services_area
    ):
        authority = register(
            network_admin,
            de,
            areas=[(services_area, None)],
            kind=Authority.Kind.NATIONAL_COORDINATOR,
            language="de",
        )
        assert authority.kind == Authority.Kind.NATIONAL_COORDINATOR

    def test_a_delegated_coordinator_registers_competent_authorities_only(
        self, coordinator_lda, nl, services_area, coordinator
    ):
        register(coordinator_lda, nl, areas=[(services_area, coordinator)])
        with pytest.raises(ApplicationError) as refused:
            register(
                coordinator_lda,
                nl,
                areas=[(services_area, None)],
                kind=Authority.Kind.DELEGATED_COORDINATOR,
                official_name="Another",
            )
        assert refused.value.field == "kind"

    @pytest.mark.parametrize("who", ["other_coordinator_lda", "lda", "handler"])
    def test_others_may_not_register_in_the_country(self, who, request, nl, services_area):
        actor = request.getfixturevalue(who)
        before = Authority.objects.count()
        with pytest.raises(PermissionDenied):
            register(actor, nl, areas=[(services_area, None)])
        assert Authority.objects.count() == before

    def test_a_coordinator_of_another_country_cannot_supervise(
        self, national_coordinator_lda, nl, services_area, other_coordinator
    ):
        before = (Authority.objects.count(), User.objects.count())
        with pytest.raises(ApplicationError) as refused:
            register(national_coordinator_lda, nl, areas=[(services_area, other_coordinator)])
        assert refused.value.field == "areas"
        assert (Authority.objects.count(), User.objects.count()) == before

    def test_bad_input_writes_nothing(self, national_coordinator_lda, nl, services_area):
        before = (Authority.objects.count(), User.objects.count(), OutboxMessage.objects.count())
        with pytest.raises(ApplicationError) as refused:
            register(national_coordinator_lda, nl, areas=[(services_area, None)], city="x" * 10_000)
        assert refused.value.field == "city"
        bad_admin = {**ADMINISTRATOR, "email": "not an address"}
        with pytest.raises(ApplicationError) as refused:
            register(
                national_coordinator_lda, nl, areas=[(services_area, None)], administrator=bad_admin
            )
        assert refused.value.field == "email"
        with pytest.raises(ApplicationError) as refused:
            register(national_coordinator_lda, nl, areas=[])
        assert refused.value.field == "areas"
        after = (Authority.objects.count(), User.objects.count(), OutboxMessage.objects.count())
        assert after == before

    def test_greek_names_and_a_taken_username(self, network_admin, nl, services_area):
        UserFactory(username="giorgos.papadopoulos")
        authority = register(
            network_admin,
            nl,
            areas=[(services_area, None)],
            official_name="Δήμος Αθηναίων",
            administrator={**ADMINISTRATOR, "first_name": "Γιώργος", "last_name": "Παπαδόπουλος"},
        )
        assert authority.official_name == "Δήμος Αθηναίων"
        assert authority.first_administrator.username == "giorgos.papadopoulos2"


class TestJoinRequests:
    def test_submitted_tells_the_coordinators_administrators_in_their_language(
        self, nl, services_area, national_coordinator_lda, coordinator_lda
    ):
        national_coordinator_lda.language = "nl"
        national_coordinator_lda.save()
        join_request = join(nl, [services_area])
        assert join_request.status == JoinRequest.Status.PENDING
        assert list(join_request.areas.all()) == [services_area]
        event = AuthorityEvent.objects.get(join_request=join_request)
        assert (event.kind, event.authority) == (AuthorityEvent.Kind.JOIN_REQUESTED, None)
        mails = OutboxMessage.objects.filter(event_code=services.JOIN_REQUESTED_EVENT)
        assert {(m.recipient_email, m.language) for m in mails} == {
            (national_coordinator_lda.email, "nl"),
            (coordinator_lda.email, "en"),
        }
        english = mails.get(recipient_user=coordinator_lda)
        assert "Gemeente Maasdriel" in english.subject
        assert f"/network/registration/requests/{join_request.pk}/" in english.body_text

    def test_without_coordinators_the_network_administrators_are_told(
        self, de, services_area, network_admin
    ):
        join(de, [services_area], language="de")
        mail = OutboxMessage.objects.get(event_code=services.JOIN_REQUESTED_EVENT)
        assert mail.recipient_user == network_admin

    def test_bad_input_writes_nothing(self, nl, services_area):
        for changes in (
            {"official_name": "x" * 10_000},
            {"email": "nope"},
            {"administrator_first_name": ""},
        ):
            with pytest.raises(ApplicationError):
                join(nl, [services_area], **changes)
        with pytest.raises(ApplicationError):
            join(nl, [])
        assert not JoinRequest.objects.exists()
        assert not AuthorityEvent.objects.exists()

    def test_validated_once_with_an_event(
        self, nl, services_area, coordinator, national_coordinator_lda
    ):
        join_request = join(nl, [services_area])
        authority = register(
            national_coordinator_lda,
            nl,
            areas=[(services_area, coordinator)],
            official_name=join_request.official_name,
            join_request=join_request,
        )
        join_request.refresh_from_db()
        assert (join_request.status, join_request.authority, join_request.decided_by) == (
            JoinRequest.Status.VALIDATED,
            authority,
            national_coordinator_lda,
        )
        event = AuthorityEvent.objects.get(kind=AuthorityEvent.Kind.JOIN_VALIDATED)
        assert (event.authority, event.join_request) == (authority, join_request)
        count = Authority.objects.count()
        with pytest.raises(ApplicationError):
            register(
                national_coordinator_lda,
                nl,
                areas=[(services_area, coordinator)],
                official_name="Twice",
                administrator={**ADMINISTRATOR, "email": "x@example.org"},
                join_request=join_request,
            )
        assert Authority.objects.count() == count

    def test_declined_with_a_reason_mailed_in_the_request_language(
        self, nl, services_area, national_coordinator_lda
    ):
        join_request = join(nl, [services_area])
        with pytest.raises(ApplicationError) as refused:
            services.join_request_decline(
                actor=national_coordinator_lda, join_request=join_request, reason="  "
            )
        assert refused.value.field == "reason"
        services.join_request_decline(
            actor=national_coordinator_lda,
            join_request=join_request,
            reason="Geen bevoegde autoriteit onder de Dienstenwet.",
        )
        join_request.refresh_from_db()
        assert join_request.status == JoinRequest.Status.DECLINED
        event = AuthorityEvent.objects.get(kind=AuthorityEvent.Kind.JOIN_DECLINED)
        assert (event.join_request, event.actor) == (join_request, national_coordinator_lda)
        mail = OutboxMessage.objects.get(event_code=services.JOIN_DECLINED_EVENT)
        assert (mail.recipient_email, mail.language) == ("imi@maasdriel.nl", "nl")
        assert "Geen bevoegde autoriteit" in mail.body_text
        with pytest.raises(ApplicationError):
            services.join_request_decline(
                actor=national_coordinator_lda, join_request=join_request, reason="Again"
            )
        assert AuthorityEvent.objects.filter(kind=AuthorityEvent.Kind.JOIN_DECLINED).count() == 1

    @pytest.mark.parametrize("who", ["other_coordinator_lda", "lda", "handler"])
    def test_others_may_not_decide(self, who, request, nl, services_area):
        actor = request.getfixturevalue(who)
        join_request = join(nl, [services_area])
        with pytest.raises(PermissionDenied):
            services.join_request_decline(actor=actor, join_request=join_request, reason="No")
        join_request.refresh_from_db()
        assert join_request.status == JoinRequest.Status.PENDING


def test_the_first_administrator_service_asks_the_register_rule(lda, authority, nl):
    with pytest.raises(PermissionDenied):
        user_services.user_create_first_administrator(
            actor=lda, authority=authority, **ADMINISTRATOR
        )


def test_the_mail_delay_is_the_usual_one(settings):
    assert timedelta(hours=24) == settings.TEMPORARY_PASSWORD_DELAY


@pytest.mark.django_db(transaction=True)
def test_the_temporary_password_reaches_the_smtp_server_after_the_delay(
    national_coordinator_lda,
    nl,
    services_area,
    clock,  # noqa: F811
    run_worker,  # noqa: F811
    smtp_sink,  # noqa: F811
):
    from tests.accounts.test_users import password_in

    authority = register(national_coordinator_lda, nl, areas=[(services_area, None)])
    run_worker()
    assert smtp_sink.messages == []
    clock.advance(hours=24, minutes=1)
    run_worker()
    [received] = smtp_sink.messages
    assert received["To"] == "p.dekort@bommelerwaard.nl"
    assert received["Content-Language"] == "nl"
    administrator = User.objects.get(authority=authority)
    assert administrator.check_password(password_in(received.get_body(("plain",)).get_content()))
