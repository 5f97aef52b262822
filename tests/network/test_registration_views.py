"""Registration pages (issue 19, item 2): who reaches them, where each action lands and what
it says, bad input kept on the form, the public form and its rate limit, the list's queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openimi.accounts.models import User
from openimi.authorities.models import Authority
from openimi.network.models import AuthorityEvent, JoinRequest
from openimi.network.views import registration as views
from tests.network.test_registration import join

REGISTER = reverse("network:registration:register")
LIST = reverse("network:registration:request_list")
JOIN = reverse("network:registration:join")


def detail(pk):
    return reverse("network:registration:request_detail", kwargs={"pk": pk})


def validate(pk):
    return reverse("network:registration:request_validate", kwargs={"pk": pk})


def decline(pk):
    return reverse("network:registration:request_decline", kwargs={"pk": pk})


def form_data(services_area, coordinator=None, **changes):
    data = {
        "official_name": "Gemeente Bommelerwaard",
        "informal_title": "Gemeente Bommelerwaard (gemeente)",
        "language": "nl",
        "street": "Hoogstraat 1",
        "postal_code": "5301 BB",
        "city": "Zaltbommel",
        "email": "imi@bommelerwaard.nl",
        "phone": "",
        "website": "",
        f"area_{services_area.pk}": "on",
        f"coordinator_{services_area.pk}": str(coordinator.pk) if coordinator else "",
        "administrator_first_name": "Pieter",
        "administrator_last_name": "de Kort",
        "administrator_email": "p.dekort@bommelerwaard.nl",
        "administrator_phone": "",
        "administrator_language": "nl",
        "kind": Authority.Kind.COMPETENT_AUTHORITY,
    }
    return {**data, **changes}


def join_data(services_area, **changes):
    data = {
        "country": "NL",
        "official_name": "Gemeente Maasdriel",
        "informal_title": "Gemeente Maasdriel (gemeente)",
        "language": "nl",
        "kind_of_work": "",
        "street": "",
        "postal_code": "",
        "city": "",
        "email": "imi@maasdriel.nl",
        "phone": "",
        "website": "",
        "areas": [services_area.pk],
        "administrator_first_name": "Anke",
        "administrator_last_name": "Jansen",
        "administrator_email": "a.jansen@maasdriel.nl",
        "administrator_phone": "",
    }
    return {**data, **changes}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestRegisterPage:
    def test_anonymous_goes_to_the_login_page(self, client, nl):
        response = client.get(REGISTER)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("who", ["lda", "handler"])
    def test_404_for_those_who_do_not_register(self, who, request):
        assert logged_in(request.getfixturevalue(who)).get(REGISTER).status_code == 404

    def test_404_for_another_country(self, other_coordinator_lda, nl):
        client = logged_in(other_coordinator_lda)
        assert client.get(REGISTER + "?country=NL").status_code == 404

    def test_the_coordinator_registers_and_lands_on_the_authority(
        self, national_coordinator_lda, services_area, coordinator
    ):
        client = logged_in(national_coordinator_lda)
        page = client.get(REGISTER)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Register an authority" in html and coordinator.official_name in html
        response = client.post(REGISTER, form_data(services_area, coordinator), follow=True)
        authority = Authority.objects.get(official_name="Gemeente Bommelerwaard")
        assert response.redirect_chain[-1][0] == reverse(
            "authorities:detail", kwargs={"pk": authority.pk}
        )
        text = response.content.decode()
        assert "Gemeente Bommelerwaard has been registered" in text
        assert "Pieter de Kort will receive an e-mail with a temporary password" in text
        assert "pieter.dekort" in text

    def test_the_network_administrator_chooses_the_country_first(
        self, network_admin, nl, de, services_area
    ):
        client = logged_in(network_admin)
        page = client.get(REGISTER)
        assert page.status_code == 200
        assert 'name="country"' in page.content.decode()
        form = client.get(REGISTER + "?country=DE")
        assert form.status_code == 200
        assert 'name="kind"' in form.content.decode()
        response = client.post(
            REGISTER + "?country=DE",
            form_data(services_area, kind=Authority.Kind.NATIONAL_COORDINATOR, language="de"),
        )
        assert response.status_code == 302
        assert Authority.objects.get(official_name="Gemeente Bommelerwaard").country_id == "DE"

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("official_name", "x" * 10_000, "at most 300 characters"),
            ("informal_title", "Gemeente\x07Bommel", "control character"),
            ("administrator_email", "nope", "like name@example.org"),
        ],
    )
    def test_bad_input_is_kept_and_explained(
        self, national_coordinator_lda, services_area, field, value, message
    ):
        client = logged_in(national_coordinator_lda)
        response = client.post(REGISTER, form_data(services_area, **{field: value}))
        assert response.status_code == 200
        html = response.content.decode()
        assert "govuk-error-summary" in html
        assert message in html
        assert "Pieter" in html  # what was typed stays
        assert not Authority.objects.filter(city="Zaltbommel").exists()

    def test_no_area_ticked(self, national_coordinator_lda, services_area):
        data = form_data(services_area)
        del data[f"area_{services_area.pk}"]
        response = logged_in(national_coordinator_lda).post(REGISTER, data)
        assert response.status_code == 200
        assert "Choose at least one legislative area" in response.content.decode()

    def test_greek_and_cyrillic(self, network_admin, nl, services_area):
        data = form_data(
            services_area,
            official_name="Δήμος Αθηναίων",
            informal_title="Община София",
            administrator_first_name="Иван",
            administrator_last_name="Петров",
        )
        response = logged_in(network_admin).post(REGISTER + "?country=NL", data)
        assert response.status_code == 302
        assert User.objects.filter(username="ivan.petrov").exists()


class TestJoinPage:
    def test_anonymous_asks_to_join_and_reads_what_happens_next(
        self, client, nl, services_area, national_coordinator_lda
    ):
        assert (
            reverse("network:registration:join")
            in client.get(reverse("accounts:login")).content.decode()
        )
        page = client.get(JOIN)
        assert page.status_code == 200
        response = client.post(JOIN, join_data(services_area), follow=True)
        assert response.redirect_chain[-1][0] == reverse("network:registration:join_sent")
        assert "What happens next" in response.content.decode()
        join_request = JoinRequest.objects.get()
        assert join_request.official_name == "Gemeente Maasdriel"
        assert AuthorityEvent.objects.filter(join_request=join_request).count() == 1

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("official_name", "x" * 10_000, "at most 300 characters"),
            ("kind_of_work", "Horeca\x00", "control character"),
            ("email", "nope", "like name@example.org"),
        ],
    )
    def test_bad_input(self, client, nl, services_area, field, value, message):
        response = client.post(JOIN, join_data(services_area, **{field: value}))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "Anke" in response.content.decode()
        assert not JoinRequest.objects.exists()

    def test_greek(self, client, nl, services_area):
        client.post(JOIN, join_data(services_area, official_name="Δήμος Αθηναίων"))
        assert JoinRequest.objects.get().official_name == "Δήμος Αθηναίων"

    def test_rate_limited(self, client, nl, services_area, monkeypatch):
        monkeypatch.setattr(views, "JOIN_LIMIT", 2)
        for _attempt in range(2):
            assert client.post(JOIN, join_data(services_area)).status_code == 302
        refused = client.post(JOIN, join_data(services_area))
        assert refused.status_code == 429
        assert "Too many requests to join" in refused.content.decode()
        assert JoinRequest.objects.count() == 2


class TestJoinRequestPages:
    @pytest.fixture
    def join_request(self, nl, services_area):
        return join(nl, [services_area])

    def test_anonymous_goes_to_the_login_page(self, client, join_request):
        for url in (LIST, detail(join_request.pk), validate(join_request.pk)):
            response = client.get(url)
            assert response.status_code == 302 and reverse("accounts:login") in response.url

    @pytest.mark.parametrize("who", ["other_coordinator_lda", "lda", "handler"])
    def test_404_for_others(self, who, request, join_request):
        client = logged_in(request.getfixturevalue(who))
        for url in (detail(join_request.pk), validate(join_request.pk), decline(join_request.pk)):
            assert client.get(url).status_code == 404
        assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING

    def test_other_country_sees_an_empty_list(self, other_coordinator_lda, join_request):
        response = logged_in(other_coordinator_lda).get(LIST)
        assert response.status_code == 200
        assert "Gemeente Maasdriel" not in response.content.decode()

    def test_validate_prefills_registers_and_refuses_twice(
        self, national_coordinator_lda, join_request, services_area, coordinator
    ):
        client = logged_in(national_coordinator_lda)
        page = client.get(detail(join_request.pk))
        assert "Validate" in page.content.decode()
        form = client.get(validate(join_request.pk)).content.decode()
        assert 'value="Gemeente Maasdriel"' in form and 'value="a.jansen@maasdriel.nl"' in form
        data = form_data(
            services_area,
            coordinator,
            official_name="Gemeente Maasdriel",
            administrator_first_name="Anke",
            administrator_last_name="Jansen",
            administrator_email="a.jansen@maasdriel.nl",
        )
        response = client.post(validate(join_request.pk), data)
        authority = Authority.objects.get(official_name="Gemeente Maasdriel")
        assert response.url == reverse("authorities:detail", kwargs={"pk": authority.pk})
        join_request.refresh_from_db()
        assert join_request.status == JoinRequest.Status.VALIDATED
        again = client.post(validate(join_request.pk), data, follow=True)
        assert "already been decided" in again.content.decode()
        assert Authority.objects.filter(official_name="Gemeente Maasdriel").count() == 1

    def test_decline_needs_a_reason_then_lands_on_the_request(
        self, national_coordinator_lda, join_request
    ):
        client = logged_in(national_coordinator_lda)
        empty = client.post(decline(join_request.pk), {"reason": ""})
        assert empty.status_code == 200
        assert "Enter the reason for declining" in empty.content.decode()
        response = client.post(decline(join_request.pk), {"reason": "Niet bevoegd."}, follow=True)
        assert response.redirect_chain[-1][0] == detail(join_request.pk)
        html = response.content.decode()
        assert "has been declined" in html and "Niet bevoegd." in html
        assert AuthorityEvent.objects.filter(kind=AuthorityEvent.Kind.JOIN_DECLINED).count() == 1
        again = client.get(decline(join_request.pk), follow=True)
        assert "already been decided" in again.content.decode()

    def test_the_list_filters_pages_and_its_queries_are_constant(
        self, network_admin, nl, services_area, django_assert_num_queries, monkeypatch
    ):
        client = logged_in(network_admin)
        join(nl, [services_area])
        with CaptureQueriesContext(connection) as one:
            client.get(LIST)
        for number in range(5):
            join(nl, [services_area], official_name=f"Gemeente {number}")
        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get(LIST)
        assert response.content.decode().count("Gemeente ") >= 6
        monkeypatch.setattr(views, "PER_PAGE", 2)
        second = client.get(LIST + "?page=2").content.decode()
        assert "Page 2 of 3" in second
        pending = client.get(LIST + "?status=declined")
        assert "Gemeente Maasdriel" not in pending.content.decode()

    def test_open_and_save_unchanged(self, national_coordinator_lda, join_request):
        """The validate form, saved as opened, registers what the request asked (the
        coordinator chose no supervising coordinator: allowed)."""
        client = logged_in(national_coordinator_lda)
        page = client.get(validate(join_request.pk))
        form = page.context["form"]
        data = {}
        for name in form.fields:
            value = form[name].value()
            if value in (None, False):
                continue
            data[name] = "on" if value is True else value
        response = client.post(validate(join_request.pk), data)
        assert response.status_code == 302, response.context["form"].errors
        assert Authority.objects.filter(official_name="Gemeente Maasdriel").exists()


def test_the_register_form_starts_in_the_countrys_language_with_the_coordinator(
    client, coordinator_lda, coordinator, nl, services_area
):
    """A Polish coordinator must not find Bulgarian preselected: the authority's language
    and the administrator's start as the country's, the supervisor as the coordinator."""
    nl.languages.add("nl")
    client.force_login(coordinator_lda)
    form = client.get(reverse("network:registration:register")).context["form"]
    assert form.initial["language"] == "nl"
    assert form.initial["administrator_language"] == "nl"
    assert form.initial[f"coordinator_{services_area.pk}"] == str(coordinator.pk)
