import pytest

from openimi.authorities import services
from openimi.authorities.models import AuthorityTranslation
from openimi.common.errors import ApplicationError, PermissionDenied
from tests.factories import KeywordFactory, LanguageFactory


@pytest.fixture
def english(db):
    return LanguageFactory(code="en", names={"en": "English", "nl": "Engels"})


@pytest.fixture
def translated_authority(authority, english):
    services.authority_translation_save(
        authority=authority,
        actor=_lda(authority),
        language=english,
        informal_title="Municipality of Oeteldonk",
        description="A municipality.",
    )
    return authority


def _lda(authority):
    from openimi.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(authority=authority, roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)])


class TestNeedsTranslation:
    def test_a_saved_translation_is_up_to_date(self, translated_authority):
        translation = AuthorityTranslation.objects.get(authority=translated_authority)
        assert translation.needs_translation is False

    def test_changing_the_informal_title_marks_every_translation(self, translated_authority, lda):
        services.authority_update_contact(
            authority=translated_authority, actor=lda, informal_title="Gemeente Oeteldonk (NB)"
        )
        assert AuthorityTranslation.objects.get(authority=translated_authority).needs_translation

    def test_changing_the_description_marks_every_translation(self, translated_authority, lda):
        services.authority_update_contact(
            authority=translated_authority, actor=lda, description="Nieuwe beschrijving."
        )
        assert AuthorityTranslation.objects.get(authority=translated_authority).needs_translation

    def test_changing_other_contact_data_leaves_translations_alone(self, translated_authority, lda):
        services.authority_update_contact(
            authority=translated_authority, actor=lda, phone="+31 73 000 0000"
        )
        translation = AuthorityTranslation.objects.get(authority=translated_authority)
        assert translation.needs_translation is False

    def test_saving_the_translation_again_clears_the_flag(self, translated_authority, lda, english):
        services.authority_update_contact(
            authority=translated_authority, actor=lda, informal_title="Gemeente Oeteldonk (NB)"
        )
        services.authority_translation_save(
            authority=translated_authority,
            actor=lda,
            language=english,
            informal_title="Municipality of Oeteldonk (North Brabant)",
            description="",
        )
        assert not AuthorityTranslation.objects.get(
            authority=translated_authority
        ).needs_translation

    def test_the_own_language_is_not_a_translation(self, authority, lda):
        dutch = authority.language
        with pytest.raises(ApplicationError):
            services.authority_translation_save(
                authority=authority, actor=lda, language=dutch, informal_title="x", description=""
            )


class TestWhoMayChangeAuthorityData:
    def test_the_local_data_administrator_may(self, authority, lda):
        services.authority_update_contact(authority=authority, actor=lda, city="Oeteldonk")
        authority.refresh_from_db()
        assert authority.city == "Oeteldonk"

    @pytest.mark.parametrize("who", ["basic_user", "handler", "allocator", "supervisor"])
    def test_other_users_of_the_authority_may_not(self, request, authority, who):
        actor = request.getfixturevalue(who)
        with pytest.raises(PermissionDenied):
            services.authority_update_contact(authority=authority, actor=actor, city="Elders")
        authority.refresh_from_db()
        assert authority.city != "Elders"

    def test_the_administrator_of_another_authority_may_not(self, authority, other_lda):
        with pytest.raises(PermissionDenied):
            services.authority_update_contact(authority=authority, actor=other_lda, city="X")

    def test_an_inactive_administrator_may_not(self, authority, lda):
        lda.is_active = False
        lda.save()
        with pytest.raises(PermissionDenied):
            services.authority_update_contact(authority=authority, actor=lda, city="X")

    def test_the_official_name_cannot_be_changed(self, authority, lda):
        with pytest.raises(ApplicationError):
            services.authority_update_contact(authority=authority, actor=lda, official_name="X")

    def test_an_invalid_address_writes_nothing(self, authority, lda):
        with pytest.raises(Exception):  # noqa: B017 - Django's ValidationError
            services.authority_update_contact(
                authority=authority, actor=lda, email="not an address", city="Nieuw"
            )
        authority.refresh_from_db()
        assert authority.city != "Nieuw"


class TestPreferences:
    def test_the_administrator_sets_keywords_and_allocation(self, authority, lda, services_area):
        preferences = authority.preferences.get()
        keyword = KeywordFactory(area=services_area)
        services.area_preferences_update(
            preferences=preferences,
            actor=lda,
            keywords=[keyword],
            uses_allocation=True,
            coordinator_may_view_details=True,
        )
        preferences.refresh_from_db()
        assert preferences.uses_allocation and preferences.coordinator_may_view_details
        assert list(preferences.keywords.all()) == [keyword]

    def test_a_keyword_of_another_area_is_refused(self, authority, lda):
        other_area_keyword = KeywordFactory(area__code="professional_qualifications")
        with pytest.raises(ApplicationError):
            services.area_preferences_update(
                preferences=authority.preferences.get(),
                actor=lda,
                keywords=[other_area_keyword],
                uses_allocation=False,
                coordinator_may_view_details=False,
            )

    def test_the_supervising_coordinator_sets_the_first_three(self, authority, coordinator_lda):
        preferences = authority.preferences.get()
        services.area_preferences_update_by_coordinator(
            preferences=preferences,
            actor=coordinator_lda,
            needs_coordinator_approval=True,
            may_reject=True,
            may_accept=True,
        )
        preferences.refresh_from_db()
        assert preferences.needs_coordinator_approval and preferences.may_reject

    @pytest.mark.parametrize("who", ["lda", "other_lda", "handler"])
    def test_nobody_else_sets_the_coordinators_settings(self, request, authority, who):
        with pytest.raises(PermissionDenied):
            services.area_preferences_update_by_coordinator(
                preferences=authority.preferences.get(),
                actor=request.getfixturevalue(who),
                needs_coordinator_approval=False,
                may_reject=True,
                may_accept=True,
            )

    def test_the_administrator_of_another_authority_may_not_set_preferences(
        self, authority, other_lda
    ):
        with pytest.raises(PermissionDenied):
            services.area_preferences_update(
                preferences=authority.preferences.get(),
                actor=other_lda,
                keywords=[],
                uses_allocation=True,
                coordinator_may_view_details=True,
            )
