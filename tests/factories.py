"""Plain test data. Workflow states are reached through services, never set here."""

import factory
from django.contrib.auth.hashers import make_password

from openimi.accounts.models import RoleGrant, User
from openimi.authorities.models import (
    AreaPreferences,
    Authority,
    Country,
    EconomicSector,
    Keyword,
    Language,
    LegislativeArea,
)

TEST_PASSWORD = "correct horse battery staple"
# Hashing with argon2 for every user would dominate the suite's time.
_TEST_PASSWORD_HASH = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "en"
    names = factory.LazyAttribute(lambda o: {"en": o.code.upper()})
    native_name = factory.LazyAttribute(lambda o: o.code)


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "NL"
    names = factory.LazyAttribute(lambda o: {"en": o.code, "nl": o.code})
    phone_prefix = "+31"


class LegislativeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegislativeArea
        django_get_or_create = ("code",)

    code = "services"
    names = factory.LazyAttribute(lambda o: {"en": o.code.title(), "nl": o.code.title()})


class KeywordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Keyword
        django_get_or_create = ("area", "code")

    area = factory.SubFactory(LegislativeAreaFactory)
    code = factory.Sequence(lambda n: f"keyword-{n}")
    names = factory.LazyAttribute(lambda o: {"en": o.code, "nl": o.code})


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    country = factory.SubFactory(CountryFactory)
    language = factory.SubFactory(LanguageFactory)
    official_name = factory.Sequence(lambda n: f"Authority {n}")
    informal_title = factory.LazyAttribute(lambda o: o.official_name)
    email = factory.Sequence(lambda n: f"authority{n}@example.org")
    kind = Authority.Kind.COMPETENT_AUTHORITY


class AreaPreferencesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaPreferences

    authority = factory.SubFactory(AuthorityFactory)
    area = factory.SubFactory(LegislativeAreaFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    authority = factory.SubFactory(AuthorityFactory)
    language = "en"
    status = User.Status.ACTIVE
    must_change_password = False
    password = _TEST_PASSWORD_HASH

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``roles=[("request_handler", area), ("local_data_administrator", None)]``."""
        for role, area in extracted or ():
            RoleGrant.objects.create(user=self, role=role, area=area)


class EconomicSectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EconomicSector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{n % 99:02d}")
    level = "division"
    names = factory.LazyAttribute(lambda o: {"en": f"Sector {o.code}"})
