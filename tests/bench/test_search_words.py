"""The directory's word search on PostgreSQL uses trigram-indexed expressions instead of
``icontains`` (bench/RESULTS.md); both must find the same authorities."""

import pytest

from openimi.authorities.selectors import AuthoritySearch, authority_search
from tests.factories import AuthorityFactory

pytestmark = pytest.mark.django_db


def _found(text: str) -> set[int]:
    return {a.pk for a in authority_search(search=AuthoritySearch(text=text), language="en")}


def test_case_does_not_matter_and_words_may_be_parts():
    chamber = AuthorityFactory(official_name="Chamber of Commerce Lyon")
    assert _found("lyon") == {chamber.pk}
    assert _found("COMMERCE lyo") == {chamber.pk}


def test_like_wildcards_are_taken_literally():
    percent = AuthorityFactory(official_name="Office 100% digital")
    underscore = AuthorityFactory(official_name="Office a_b")
    AuthorityFactory(official_name="Office 1000 digital", informal_title="axb")
    assert _found("100%") == {percent.pk}
    assert _found("a_b") == {underscore.pk}


def test_a_word_in_the_description_counts():
    described = AuthorityFactory(official_name="Kamer", description="Registers architects.")
    assert _found("architects") == {described.pk}
