"""Migration authorities 0003: Norwegian "no" becomes Bokmål "nb" wherever it is stored (its
function run on today's models, whose fields it reads are unchanged since)."""

import importlib

import pytest
from django.apps import apps

from openimi.authorities.models import Authority, AuthorityTranslation, Language
from openimi.exchange.models import InformationRequest
from openimi.exchange.workflow import State
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401 - fixtures
from tests.factories import CountryFactory, LanguageFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("openimi.authorities.migrations.0003_norwegian_bokmal")


def test_norwegian_moves_to_bokmal(world, make_request):  # noqa: F811
    Language.objects.filter(code="nb").delete()
    norwegian = LanguageFactory(code="no", names={"en": "Norwegian"}, native_name="norsk")
    norway = CountryFactory(code="NO", phone_prefix="+47")
    norway.languages.set([norwegian])
    Authority.objects.filter(pk=world.responding.pk).update(language_id="no")
    AuthorityTranslation.objects.create(
        authority=world.requesting, language_id="no", informal_title="Oeteldonk kommune"
    )
    info_request = make_request(State.ACCEPTED)
    InformationRequest.objects.filter(pk=info_request.pk).update(justification_language="no")

    migration.forwards(apps, None)

    assert not Language.objects.filter(code="no").exists()
    assert Language.objects.get(code="nb").native_name == "norsk bokmål"
    assert Authority.objects.get(pk=world.responding.pk).language_id == "nb"
    assert AuthorityTranslation.objects.get(authority=world.requesting).language_id == "nb"
    assert list(norway.languages.values_list("code", flat=True)) == ["nb"]
    assert InformationRequest.objects.get(pk=info_request.pk).justification_language == "nb"
    migration.forwards(apps, None)  # nothing left to move: a second run changes nothing
