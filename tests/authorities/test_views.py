"""Pages of the directory: who may see and change what, what the pages keep and show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openimi.authorities.models import Authority, AuthorityTranslation
from tests.factories import AuthorityFactory, KeywordFactory

OWN_PAGES = [
    ("authorities:manage", {}),
    ("authorities:edit_contact", {}),
    ("authorities:edit_competences", {}),
    ("authorities:edit_preferences", {"area": "services"}),
    ("authorities:edit_translation", {"language": "en"}),
    ("administration", {}),
]


@pytest.fixture
def english(db):
    from tests.factories import LanguageFactory

    return LanguageFactory(code="en", names={"en": "English", "nl": "Engels"})


def _get(client, user, name, kwargs=None):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs or {}))


class TestPermissionMatrix:
    @pytest.mark.parametrize(("name", "kwargs"), OWN_PAGES)
    def test_the_local_data_administrator_may_open(self, client, lda, english, name, kwargs):
        assert _get(client, lda, name, kwargs).status_code == 200

    @pytest.mark.parametrize(("name", "kwargs"), OWN_PAGES)
    @pytest.mark.parametrize("who", ["basic_user", "handler", "allocator", "supervisor"])
    def test_other_users_of_the_authority_get_404(
        self, request, client, english, who, name, kwargs
    ):
        assert _get(client, request.getfixturevalue(who), name, kwargs).status_code == 404

    @pytest.mark.parametrize(("name", "kwargs"), OWN_PAGES)
    def test_anonymous_users_are_sent_to_login(self, client, authority, name, kwargs):
        response = _get(client, None, name, kwargs)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    def test_the_administrator_of_another_authority_changes_only_its_own(
        self, client, authority, other_lda
    ):
        client.force_login(other_lda)
        response = client.post(
            reverse("authorities:edit_contact"),
            {"informal_title": "Hijacked", "email": "x@example.org"},
        )
        assert response.status_code == 302
        authority.refresh_from_db()
        assert authority.informal_title == "Gemeente Oeteldonk"

    def test_a_post_by_a_handler_changes_nothing(self, client, authority, handler):
        client.force_login(handler)
        response = client.post(
            reverse("authorities:edit_contact"),
            {"informal_title": "Changed", "email": "x@example.org"},
        )
        assert response.status_code == 404
        authority.refresh_from_db()
        assert authority.informal_title == "Gemeente Oeteldonk"

    @pytest.mark.parametrize("who", ["basic_user", "other_handler", "lda"])
    def test_every_user_may_search_and_read(self, request, client, authority, who):
        user = request.getfixturevalue(who)
        assert _get(client, user, "authorities:search").status_code == 200
        assert _get(client, user, "authorities:detail", {"pk": authority.pk}).status_code == 200

    def test_anonymous_users_may_not_search(self, client, authority):
        assert _get(client, None, "authorities:search").status_code == 302
        assert _get(client, None, "authorities:detail", {"pk": authority.pk}).status_code == 302

    def test_a_missing_authority_is_404(self, client, basic_user):
        assert _get(client, basic_user, "authorities:detail", {"pk": 999999}).status_code == 404


class TestCoordinatorSettingsPage:
    def _url(self, authority):
        return reverse(
            "authorities:edit_coordinator_settings", args=[authority.preferences.get().pk]
        )

    def test_the_supervising_coordinator_changes_them(self, client, authority, coordinator_lda):
        client.force_login(coordinator_lda)
        response = client.post(
            self._url(authority),
            {"needs_coordinator_approval": "True", "may_reject": "True", "may_accept": "False"},
        )
        assert response.status_code == 302
        preferences = authority.preferences.get()
        assert preferences.needs_coordinator_approval and not preferences.may_accept

    @pytest.mark.parametrize("who", ["lda", "other_lda", "handler"])
    def test_others_get_404(self, request, client, authority, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(self._url(authority)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, authority):
        assert client.get(self._url(authority)).status_code == 302


class TestChangingAuthorityData:
    def test_a_rejected_form_keeps_what_was_typed(self, client, lda):
        client.force_login(lda)
        response = client.post(
            reverse("authorities:edit_contact"),
            {"informal_title": "Gemeente Oeteldonk aan de Dommel", "email": "not-an-address"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Gemeente Oeteldonk aan de Dommel" in html
        assert "govuk-error-summary" in html
        assert 'href="#id_email"' in html

    def test_a_valid_form_saves_and_returns_to_the_tabs(self, client, lda, authority):
        client.force_login(lda)
        response = client.post(
            reverse("authorities:edit_contact"),
            {"informal_title": "Gemeente Oeteldonk", "email": "nieuw@oeteldonk.nl"},
        )
        assert response.status_code == 302
        authority.refresh_from_db()
        assert authority.email == "nieuw@oeteldonk.nl"

    def test_preferences_page_saves_keywords(self, client, lda, authority, services_area):
        keyword = KeywordFactory(area=services_area)
        client.force_login(lda)
        response = client.post(
            reverse("authorities:edit_preferences", args=["services"]),
            {
                "keywords": [keyword.pk],
                "uses_allocation": "True",
                "coordinator_may_view_details": "False",
            },
        )
        assert response.status_code == 302
        preferences = authority.preferences.get()
        assert preferences.uses_allocation
        assert list(preferences.keywords.all()) == [keyword]

    def test_preferences_need_a_keyword_when_the_area_has_some(
        self, client, lda, authority, services_area
    ):
        KeywordFactory(area=services_area)
        client.force_login(lda)
        response = client.post(
            reverse("authorities:edit_preferences", args=["services"]),
            {"uses_allocation": "True", "coordinator_may_view_details": "False"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Select at least one keyword for which your authority is competent." in html
        assert response.context["form"]["uses_allocation"].value() == "True"  # kept as typed
        assert not authority.preferences.get().uses_allocation  # nothing saved

    def test_select_all_ticks_every_keyword_and_saves_nothing(
        self, client, lda, authority, services_area
    ):
        keywords = [KeywordFactory(area=services_area) for _ in range(3)]
        client.force_login(lda)
        url = reverse("authorities:edit_preferences", args=["services"])
        page = client.get(url).content.decode()
        assert 'name="select_all_keywords"' in page
        response = client.post(
            url,
            {
                "keywords": [keywords[0].pk],
                "uses_allocation": "True",
                "coordinator_may_view_details": "False",
                "select_all_keywords": "1",
            },
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert {int(pk) for pk in form["keywords"].value()} == {k.pk for k in keywords}
        assert "govuk-error-summary" not in response.content.decode()
        preferences = authority.preferences.get()
        assert list(preferences.keywords.all()) == []
        assert not preferences.uses_allocation
        # Then Save keeps them all.
        client.post(
            url,
            {
                "keywords": [k.pk for k in keywords],
                "uses_allocation": "True",
                "coordinator_may_view_details": "False",
            },
        )
        assert set(preferences.keywords.all()) == set(keywords)

    def test_an_area_without_keywords_needs_none_and_offers_no_select_all(
        self, client, lda, authority, services_area
    ):
        client.force_login(lda)
        url = reverse("authorities:edit_preferences", args=["services"])
        assert 'name="select_all_keywords"' not in client.get(url).content.decode()
        response = client.post(
            url, {"uses_allocation": "False", "coordinator_may_view_details": "False"}
        )
        assert response.status_code == 302

    def test_translation_page_saves_and_the_tab_shows_it(self, client, lda, authority, english):
        client.force_login(lda)
        client.post(
            reverse("authorities:edit_translation", args=["en"]),
            {"informal_title": "Municipality of Oeteldonk", "description": ""},
        )
        assert AuthorityTranslation.objects.get(authority=authority).informal_title == (
            "Municipality of Oeteldonk"
        )
        page = client.get(reverse("authorities:manage")).content.decode()
        assert "Municipality of Oeteldonk" in page
        assert "Up to date" in page

    def test_manage_page_shows_needs_translation_after_a_change(
        self, client, lda, authority, english
    ):
        AuthorityTranslation.objects.create(
            authority=authority, language=english, informal_title="Old", needs_translation=True
        )
        client.force_login(lda)
        assert "Needs translation" in client.get(reverse("authorities:manage")).content.decode()


class TestSearchPage:
    def test_policy_area_filter_and_all_areas_label(self, client, basic_user, authority, nl):
        from openimi.authorities.models import PolicyArea

        environment = PolicyArea.objects.create(code="environment", names={"en": "Environment"})
        municipality = AuthorityFactory(
            country=nl, competent_in_all_areas=True, official_name="Gemeente Alles"
        )
        client.force_login(basic_user)
        response = client.get(reverse("authorities:search"), {"policy_area": "environment"})
        html = response.content.decode()
        assert '<option value="environment" selected>' in html
        assert [a.pk for a in response.context["page"].object_list] == [municipality.pk]
        assert "Competent in all areas" in html
        environment.authorities.add(authority)
        response = client.get(reverse("authorities:search"), {"policy_area": "environment"})
        assert {a.pk for a in response.context["page"].object_list} == {
            authority.pk,
            municipality.pk,
        }

    def test_results_in_the_reader_language(self, client, basic_user, authority, english):
        AuthorityTranslation.objects.create(
            authority=authority, language=english, informal_title="Municipality of Oeteldonk"
        )
        client.force_login(basic_user)
        html = client.get(reverse("authorities:search"), {"q": "oeteldonk"}).content.decode()
        assert "Municipality of Oeteldonk" in html

    def test_the_query_count_does_not_grow_with_the_results(
        self, client, basic_user, authority, nl
    ):
        client.force_login(basic_user)
        url = reverse("authorities:search")
        client.get(url, {"country": "NL"})  # warm the session and caches
        with CaptureQueriesContext(connection) as few:
            client.get(url, {"country": "NL"})
        for number in range(30):
            authority_ = AuthorityFactory(country=nl, language_id="nl")
            AuthorityTranslation.objects.create(
                authority=authority_, language_id="en", informal_title=f"Title {number}"
            )
        with CaptureQueriesContext(connection) as many:
            response = client.get(url, {"country": "NL"})
        assert response.context["page"].paginator.count == 32
        assert len(many) == len(few)

    def test_the_query_count_is_constant(
        self, client, basic_user, authority, django_assert_num_queries
    ):
        client.force_login(basic_user)
        url = reverse("authorities:search")
        client.get(url, {"q": "oeteldonk"})
        # session, user, 5 filter choices, count, page, translations, the user's authority
        # and role grants (header and menu), and the session's idle-timeout refresh (3)
        with django_assert_num_queries(15):
            client.get(url, {"q": "oeteldonk"})

    def test_one_query_gives_the_page_and_the_total(
        self, client, basic_user, authority, nl, settings
    ):
        for _number in range(4):
            AuthorityFactory(country=nl, language_id="nl")
        found = Authority.objects.filter(country=nl).count()
        client.force_login(basic_user)
        url = reverse("authorities:search")
        settings.SEARCH_PAGE_SIZE = 2
        response = client.get(url, {"country": "NL"})
        assert response.context["page"].paginator.count == found
        assert f"{found} authorities found" in response.text
        assert len(response.context["page"].object_list) == 2
        # An old link past the last page shows the last page, as before.
        last = client.get(url, {"country": "NL", "page": 99}).context["page"]
        assert last.number == last.paginator.num_pages == (found + 1) // 2
        assert last.paginator.count == found
        assert len(last.object_list) == found - 2 * (last.number - 1)
