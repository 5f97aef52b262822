"""Help: the seed's Bijlage 1 (the user's coordinator, from the directory) and Bijlage 2."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_help_names_the_coordinator(client, basic_user, coordinator):
    client.force_login(basic_user)
    response = client.get(reverse("help:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert coordinator.official_name in page
    assert reverse("authorities:detail", kwargs={"pk": coordinator.pk}) in page
    assert "two grounds only" in page and "forward it" in page
    assert "through\n        openimi" in page or "through openimi" in page


def test_help_names_the_own_local_data_administrators(client, basic_user, lda, other_lda):
    lda.first_name, lda.last_name, lda.phone = "Anouk", "Beheer", "+31 73 1234567"
    lda.save()
    other_lda.first_name, other_lda.last_name = "Dieter", "Verwaltung"
    other_lda.save()
    client.force_login(basic_user)
    page = client.get(reverse("help:index")).content.decode()
    assert lda.get_full_name() in page
    assert f"mailto:{lda.email}" in page
    assert "+31 73 1234567" in page
    assert other_lda.get_full_name() not in page  # another authority's


def test_help_without_coordinator(client, other_handler):
    client.force_login(other_handler)
    page = client.get(reverse("help:index")).content.decode()
    assert "No coordinator has been set" in page


def test_help_in_the_menu(client, basic_user):
    client.force_login(basic_user)
    menu = client.get(reverse("home")).context["main_menu"]
    assert any(item["url"] == reverse("help:index") for item in menu)


def test_help_anonymous(client, db):
    assert client.get(reverse("help:index")).status_code == 302


DATA_PROTECTION = {
    "en": "Given our data protection rules, we cannot answer this question.",
    "nl": "Gelet op onze regels inzake gegevensbescherming, kunnen we deze vraag niet "
    "beantwoorden.",
}


def _help(client, user, language):
    client.force_login(user)
    response = client.get(reverse("help:index"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize("language", ["en", "nl"])
def test_help_quotes_the_standard_answer_as_the_answer_form_shows_it(
    client, basic_user, services_area, language
):
    from openimi.exchange.forms import AnswerForm
    from openimi.exchange.models import Question, QuestionSet, StandardAnswer

    standard = StandardAnswer.objects.create(code="data_protection", texts=DATA_PROTECTION)
    question_set = QuestionSet.objects.create(code="s", area=services_area, titles={"en": "S"})
    question = Question.objects.create(
        question_set=question_set, code="Q1", answer_type="yes_no", texts={"en": "Q?"}
    )
    question.standard_answers.add(standard)
    with translation.override(language):
        offered = dict(AnswerForm(question=question).fields["standard_answer"].choices)
    assert offered[str(standard.pk)] == DATA_PROTECTION[language]
    page = _help(client, basic_user, language)
    opening = {"en": "“", "nl": "„"}[language]
    assert f"{opening}{DATA_PROTECTION[language]}”" in page


def test_help_quotes_a_changed_standard_answer(client, basic_user):
    from openimi.exchange.models import StandardAnswer

    StandardAnswer.objects.create(
        code="data_protection", texts={"en": "Our data protection rules forbid an answer."}
    )
    assert "“Our data protection rules forbid an answer.”" in _help(client, basic_user, "en")


def test_help_without_standard_answers_still_gives_the_rule(client, basic_user):
    page = _help(client, basic_user, "en")
    assert "standard answer on data protection" in page


@pytest.mark.parametrize(("language", "period"), [("en", "6 months"), ("nl", "6 maanden")])
def test_help_says_when_personal_data_is_deleted(client, basic_user, language, period):
    page = _help(client, basic_user, language)
    assert period in page
    assert "some time after" not in page and "enige tijd" not in page


def test_help_follows_the_retention_settings(client, basic_user, settings):
    settings.RETENTION_LIFECYCLE = {"*": "block_then_delete"}
    settings.RETENTION_BLOCK_AFTER_MONTHS = 1
    settings.RETENTION_BLOCKED_DELETE_AFTER_MONTHS = 36
    page = _help(client, basic_user, "en")
    assert "1 month after" in page and "36 months after" in page


# --- Help the network maintains (issue 19, item 7) -------------------------------------------


def test_help_shows_the_national_helpdesk_and_the_faq(client, basic_user, network_admin, nl, de):
    from openimi.onboarding import services

    services.faq_first_pages_load()  # a transactional test before may have emptied the table
    services.helpdesk_contact_save(
        actor=network_admin,
        country=nl,
        names={"en": "IMI helpdesk Netherlands", "nl": "IMI-helpdesk Nederland"},
        email="imi-helpdesk@example.nl",
        phone="+31 70 123 4567",
    )
    services.helpdesk_contact_save(
        actor=network_admin, country=de, names={"en": "IMI helpdesk Germany"}, phone="+49 1"
    )
    client.force_login(basic_user)
    page = client.get(reverse("help:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "IMI helpdesk Netherlands" in page
    assert "mailto:imi-helpdesk@example.nl" in page and 'href="tel:+31701234567"' in page
    assert "IMI helpdesk Germany" not in page  # another country's
    assert reverse("help:faq") in page
    assert reverse("help:faq_page", args=["login-problems"]) in page
    dutch = client.get(reverse("help:index"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'lang="nl">IMI-helpdesk Nederland' in dutch


def test_help_without_a_national_helpdesk(client, basic_user):
    client.force_login(basic_user)
    page = client.get(reverse("help:index")).content.decode()
    assert "No national helpdesk has been entered for your country yet." in page


def test_login_page_links_to_the_public_faq(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("help:faq")}"' in page
    assert client.get(reverse("help:faq")).status_code == 200


def test_public_faq_lists_every_helpdesk_sorted_by_country_name(client, network_admin, nl, de):
    from openimi.onboarding import services

    for country in (nl, de):
        services.helpdesk_contact_save(
            actor=network_admin, country=country, names={"en": f"Desk {country.pk}"}, phone="1"
        )
    page = client.get(reverse("help:faq"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    # Dutch names: Duitsland before Nederland.
    summary = 'govuk-details__summary-text">'
    assert page.index(f"{summary}Duitsland") < page.index(f"{summary}Nederland")
    assert "Desk NL" in page and "Desk DE" in page
