"""FAQ pages (issue 19, item 7): the network administrator writes them, in English and other
languages; everyone reads the published ones, logged in or not, in their language."""

import pytest
from django.urls import reverse

from openimi.common.errors import ApplicationError
from openimi.onboarding import faq, services
from openimi.onboarding.models import FaqPage
from tests.common.test_edit_round_trip import stored, submit_as_shown

pytestmark = pytest.mark.django_db

MANAGE = reverse("network:help_faq")
ADD = reverse("network:help_faq_add")
PUBLIC = reverse("help:faq")


@pytest.fixture
def page(network_admin):
    page = services.faq_page_create(
        actor=network_admin,
        slug="passwords",
        title="Passwords",
        body="Ask your local data administrator.\n\nSee https://example.eu/help for more.",
    )
    return services.faq_page_publish(actor=network_admin, faq_page=page, published=True)


def _text(page, language="en"):
    return reverse("network:help_faq_text", kwargs={"pk": page.pk, "language": language})


# --- The first pages, as data ----------------------------------------------------------------


def test_the_first_pages_exist_in_english_and_dutch():
    from openimi.onboarding.services import faq_first_pages_load

    faq_first_pages_load()  # also run by the migration, and by load_reference (idempotent)
    assert faq_first_pages_load() == 0
    pages = {page.slug: page for page in FaqPage.objects.all()}
    assert {"login-problems", "supported-browsers"} <= set(pages)
    for slug in ("login-problems", "supported-browsers"):
        assert pages[slug].is_published
        assert {"en", "nl", "de", "fr", "es", "it"} <= set(pages[slug].titles)
        assert set(pages[slug].titles) == set(pages[slug].bodies)


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["national_coordinator_lda", "coordinator_lda", "lda", "handler", "basic_user"]
)
def test_only_the_network_admin_manages_faq_pages(client, request, who, page):
    client.force_login(request.getfixturevalue(who))
    detail = reverse("network:help_faq_page", kwargs={"pk": page.pk})
    for url in (MANAGE, ADD, detail, _text(page), _text(page, "nl")):
        assert client.get(url).status_code == 404, url
    assert client.post(ADD, {"slug": "x", "title": "x", "body": "x"}).status_code == 404
    assert client.post(_text(page), {"slug": "x", "title": "x", "body": "x"}).status_code == 404
    publish = reverse("network:help_faq_publish", kwargs={"pk": page.pk})
    move = reverse("network:help_faq_move", kwargs={"pk": page.pk})
    assert client.post(publish, {"published": "0"}).status_code == 404
    assert client.post(move, {"direction": "up"}).status_code == 404
    page.refresh_from_db()
    assert page.is_published and page.slug == "passwords"


def test_anonymous_goes_to_login_for_management(client, page):
    for url in (MANAGE, ADD, reverse("network:help_faq_page", kwargs={"pk": page.pk})):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_service_refuses_without_the_policy(national_coordinator_lda):
    with pytest.raises(ApplicationError):
        services.faq_page_create(actor=national_coordinator_lda, slug="x", title="x", body="x")


# --- Managing --------------------------------------------------------------------------------


def test_create_then_translate_then_publish(client, network_admin):
    client.force_login(network_admin)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, {"slug": "tokens", "title": "API tokens", "body": "Text."})
    new = FaqPage.objects.get(slug="tokens")
    assert response.status_code == 302
    assert response.url == reverse("network:help_faq_page", kwargs={"pk": new.pk})
    detail = client.get(response.url).content.decode()
    assert "has been added" in detail and "Not published" in detail
    assert "1 of 26 languages is up to date" in detail
    assert client.get(reverse("help:faq_page", args=["tokens"])).status_code == 404

    response = client.post(_text(new, "nl"), {"title": "API-sleutels", "body": "Tekst."})
    assert response.url == reverse("network:help_faq_page", kwargs={"pk": new.pk})
    new.refresh_from_db()
    assert new.titles == {"en": "API tokens", "nl": "API-sleutels"}
    assert "has been saved" in client.get(response.url).content.decode()

    publish = reverse("network:help_faq_publish", kwargs={"pk": new.pk})
    response = client.post(publish, {"published": "1"}, follow=True)
    assert "is now published" in response.content.decode()
    assert client.get(reverse("help:faq_page", args=["tokens"])).status_code == 200

    response = client.post(publish, {"published": "0"}, follow=True)
    assert "no longer published" in response.content.decode()
    assert client.get(reverse("help:faq_page", args=["tokens"])).status_code == 404


def test_english_change_marks_translations_outdated(client, network_admin, page):
    client.force_login(network_admin)
    client.post(_text(page, "nl"), {"title": "Wachtwoorden", "body": "Vraag het."})
    detail_url = reverse("network:help_faq_page", kwargs={"pk": page.pk})
    assert "English changed since" not in client.get(detail_url).content.decode()
    client.post(_text(page), {"slug": "passwords", "title": "Passwords", "body": "New text."})
    assert "English changed since" in client.get(detail_url).content.decode()


def test_empty_translation_removes_it(client, network_admin, page):
    client.force_login(network_admin)
    client.post(_text(page, "nl"), {"title": "Wachtwoorden", "body": "Vraag het."})
    client.post(_text(page, "nl"), {"title": "", "body": ""})
    page.refresh_from_db()
    assert "nl" not in page.titles and "nl" not in page.bodies and "nl" not in page.revised


def test_english_is_required(client, network_admin, page):
    client.force_login(network_admin)
    response = client.post(_text(page), {"slug": "passwords", "title": "", "body": ""})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    page.refresh_from_db()
    assert page.titles["en"] == "Passwords"


def test_title_without_text_is_refused(client, network_admin, page):
    client.force_login(network_admin)
    response = client.post(_text(page, "de"), {"title": "Passwörter", "body": ""})
    assert "Enter both the title and the text" in response.content.decode()
    assert 'value="Passwörter"' in response.content.decode()


def test_unknown_language_is_404(client, network_admin, page):
    client.force_login(network_admin)
    assert client.get(_text(page, "xx")).status_code == 404


def test_slug_taken_is_refused(client, network_admin, page):
    client.force_login(network_admin)
    response = client.post(ADD, {"slug": "login-problems", "title": "Again", "body": "Text"})
    assert response.status_code == 200
    assert "already has this address" in response.content.decode()
    assert not FaqPage.objects.filter(titles__en="Again").exists()


def test_bad_input_keeps_what_was_typed(client, network_admin):
    client.force_login(network_admin)
    response = client.post(
        ADD,
        {
            "slug": "new",
            "title": "Τίτλος " + "x" * 10_000,
            "body": "Текст\x07 с управляющим символом",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "at most 200 characters" in page
    assert "control character" in page
    assert "Текст" in page and "Τίτλος" in page
    assert not FaqPage.objects.filter(slug="new").exists()


def test_long_body_greek_and_cyrillic_are_saved(client, network_admin):
    client.force_login(network_admin)
    body = "Ελληνικά και кириллица. " * 400  # about 10,000 characters
    response = client.post(ADD, {"slug": "greek", "title": "Ελληνικά", "body": body})
    assert response.status_code == 302
    assert FaqPage.objects.get(slug="greek").bodies["en"] == body.strip()


def test_save_unchanged_changes_nothing(client, network_admin, page):
    client.force_login(network_admin)
    services.faq_page_text_save(
        actor=network_admin, faq_page=page, language="nl", title="W", body="Eerste.\n\nTweede."
    )
    before = stored()
    assert submit_as_shown(client, _text(page)).status_code == 302
    assert submit_as_shown(client, _text(page, "nl")).status_code == 302
    assert stored() == before


def test_reorder(client, network_admin, page):
    client.force_login(network_admin)
    move = reverse("network:help_faq_move", kwargs={"pk": page.pk})
    response = client.post(move, {"direction": "up"}, follow=True)
    assert "has been moved" in response.content.decode()
    slugs = [p.slug for p in FaqPage.objects.order_by("position", "pk")]
    assert slugs[-2] == "passwords"
    client.post(move, {"direction": "down"})
    assert [p.slug for p in FaqPage.objects.order_by("position", "pk")][-1] == "passwords"
    assert client.get(move).status_code == 405


def test_manage_list_query_count_is_constant(client, network_admin, django_assert_num_queries):
    client.force_login(network_admin)
    baseline = _count(client, MANAGE)
    for n in range(5):
        services.faq_page_create(actor=network_admin, slug=f"p{n}", title="T", body="B")
    with django_assert_num_queries(baseline):
        assert client.get(MANAGE).status_code == 200


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


# --- Reading ---------------------------------------------------------------------------------


def test_anonymous_reads_the_list_and_a_page(client, page):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert reverse("help:faq_page", args=["passwords"]) in response.content.decode()
    response = client.get(reverse("help:faq_page", args=["passwords"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a class="govuk-link" href="https://example.eu/help" rel="nofollow">' in html
    assert html.count('<p class="govuk-body">Ask your local') == 1


def test_reader_language_with_english_fallback(client, network_admin, page):
    services.faq_page_text_save(
        actor=network_admin, faq_page=page, language="nl", title="Wachtwoorden", body="Vraag."
    )
    url = reverse("help:faq_page", args=["passwords"])
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Wachtwoorden" in dutch and 'lang="nl"' in dutch
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Passwords" in german
    assert '<div class="govuk-grid-column-two-thirds" lang="en">' in german


def test_unpublished_and_unknown_pages_are_404(client, network_admin, page):
    services.faq_page_publish(actor=network_admin, faq_page=page, published=False)
    assert client.get(reverse("help:faq_page", args=["passwords"])).status_code == 404
    assert client.get(reverse("help:faq_page", args=["nothing"])).status_code == 404
    assert reverse("help:faq_page", args=["passwords"]) not in client.get(PUBLIC).content.decode()


def test_public_list_query_count_is_constant(
    client, network_admin, nl, de, django_assert_num_queries
):
    services.helpdesk_contact_save(actor=network_admin, country=nl, names={"en": "NL"}, phone="1")
    baseline = _count(client, PUBLIC)
    services.helpdesk_contact_save(actor=network_admin, country=de, names={"en": "DE"}, phone="2")
    for n in range(5):
        page = services.faq_page_create(actor=network_admin, slug=f"q{n}", title="T", body="B")
        services.faq_page_publish(actor=network_admin, faq_page=page, published=True)
    with django_assert_num_queries(baseline):
        assert client.get(PUBLIC).status_code == 200


# --- The body as HTML ------------------------------------------------------------------------


def test_paragraphs_escape_html_and_link_addresses():
    found = faq.paragraphs(
        "<script>alert(1)</script> line one\nline two\r\n\r\n  \n"
        "Write to helpdesk@example.eu or see www.example.eu."
    )
    assert len(found) == 2
    assert "<script>" not in found[0] and "&lt;script&gt;" in found[0]
    assert "line one<br>\nline two" in found[0]
    assert 'href="mailto:helpdesk@example.eu"' in found[1]
    assert 'class="govuk-link" href="https://www.example.eu"' in found[1]
