"""Issue 15, item 3: personal data never goes into a URL.

A URL lands in the web server's and the proxies' access logs, in the browser history and in
Referer headers, and outlives the deletion of the personal data. The data-subject search
therefore posts its criteria, and no page links, redirects or submits personal data through
a URL.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote_plus

import pytest
from django.urls import reverse

from openimi.exchange.models import PersonalData
from openimi.exchange.workflow import State

pytestmark = pytest.mark.django_db

# Distinctive values in every personal-data field, each easy to find in a URL.
PERSONAL = {
    "provider_name": "Zwartewaal Loodgieters Vof",
    "legal_form": "Vennootschap Onderfirma",
    "registration_number": "KVK77001234",
    "vat_number": "NL001234567B99",
    "contact_person": "Griet Vermeulen",
    "street": "Havenkade 17",
    "postal_code": "3125BX",
    "city": "Zwartewaal",
    "place_of_birth": "Brielle",
    "email": "griet@zwartewaal-loodgieters.example",
    "phone": "+31 181 555 012",
    "website": "https://zwartewaal-loodgieters.example/",
    "other_details": "Werkt samen met Jan Schouten",
}
_URL_ATTRIBUTES = re.compile(
    r'\b(?:href|action|src|formaction|hx-get|hx-post|hx-push-url|data-[a-z-]*url)="([^"]*)"'
)


def _with_personal_data(info_request) -> None:
    PersonalData.objects.filter(info_request=info_request).update(
        **PERSONAL, date_of_birth="1971-03-09"
    )


def _leaks(url: str) -> list[str]:
    url = unquote_plus(unescape(url)).lower()
    terms = [value.lower() for value in PERSONAL.values()] + ["1971-03-09", "09-03-1971"]
    # Each word of a value as well: a search for part of the name is personal data too.
    terms += [
        word.lower() for value in PERSONAL.values() for word in value.split() if len(word) > 5
    ]
    return [term for term in terms if term in url]


def _assert_no_personal_data_in_urls(response, where: str) -> None:
    if response.status_code in (301, 302, 303, 307, 308):
        assert not _leaks(response["Location"]), (where, response["Location"])
        return
    html = response.content.decode()
    for url in _URL_ATTRIBUTES.findall(html):
        assert not _leaks(url), (where, url)
    # A GET form puts its fields in the URL when submitted: none may hold personal data.
    for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S):
        method = re.search(r'method="([a-z]+)"', form[:200], flags=re.I)
        if method and method.group(1).lower() == "post":
            continue
        for value in re.findall(r'value="([^"]*)"', form):
            assert not _leaks(value), (where, "GET form field", value)
        for text in re.findall(r"<textarea[^>]*>(.*?)</textarea>", form, flags=re.S):
            assert not _leaks(text), (where, "GET form field", text)


def _search(client, **criteria):
    return client.post(reverse("privacy:subjects"), criteria)


def test_data_subject_search_posts_and_keeps_the_criteria_out_of_every_url(
    client, world, make_request
):
    found = [make_request(State.ACCEPTED) for _ in range(3)]
    for info_request in found:
        _with_personal_data(info_request)
    client.force_login(world["lda"])
    page = client.get(reverse("privacy:subjects"))
    assert re.search(
        r'<form method="post"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"',
        page.content.decode(),
    )
    for criteria in (
        {"name": "zwartewaal"},
        {"registration_number": PERSONAL["registration_number"]},
        {"vat_number": PERSONAL["vat_number"].lower()},
        {"email": PERSONAL["email"].upper()},
        {"date_of_birth": "1971-03-09"},
    ):
        response = _search(client, **criteria)
        assert response.status_code == 302, criteria
        _assert_no_personal_data_in_urls(response, f"search {criteria}")
        assert response["Location"] == reverse("privacy:subjects")
        results = client.get(response["Location"])
        assert {r.pk for r in results.context["page"].object_list} == {r.pk for r in found}
        assert "3 requests found" in results.content.decode()
        _assert_no_personal_data_in_urls(results, f"results {criteria}")
        # The criteria stay in the form, so the user sees what was searched for.
        typed = next(iter(criteria.values()))
        assert f'value="{typed}"' in results.content.decode()


def test_search_results_page_through_without_the_criteria(client, world, make_request, settings):
    from openimi.privacy import views

    views_page_size, views.PAGE_SIZE = views.PAGE_SIZE, 2
    try:
        for _ in range(3):
            _with_personal_data(make_request(State.ACCEPTED))
        client.force_login(world["lda"])
        _search(client, name="Zwartewaal Loodgieters")
        first = client.get(reverse("privacy:subjects"))
        html = first.content.decode()
        assert len(first.context["page"].object_list) == 2
        assert 'href="?page=2"' in html
        second = client.get(reverse("privacy:subjects") + "?page=2")
        assert len(second.context["page"].object_list) == 1
        _assert_no_personal_data_in_urls(second, "page 2")
        # The export form's way back is the page, never the criteria.
        assert 'name="back" value="page=2"' in second.content.decode()
    finally:
        views.PAGE_SIZE = views_page_size


def test_a_wrong_search_keeps_what_was_typed_and_says_why(client, world):
    client.force_login(world["lda"])
    response = _search(client, name="Zwart", date_of_birth="1971-02-31")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Zwart"' in html and 'value="1971-02-31"' in html  # kept
    assert "govuk-error-summary" in html
    response = _search(client)
    assert "Fill in at least one of the fields" in response.content.decode()


def test_new_search_forgets_the_criteria(client, world, make_request):
    _with_personal_data(make_request(State.ACCEPTED))
    client.force_login(world["lda"])
    _search(client, name="zwartewaal")
    response = client.post(reverse("privacy:subjects"), {"clear": "1"})
    assert response.status_code == 302
    page = client.get(reverse("privacy:subjects"))
    assert page.context["page"] is None
    assert "zwartewaal" not in page.content.decode().lower()


def test_search_criteria_are_the_users_own(client, world, make_request):
    """The criteria live in the searching user's session: another administrator of the same
    authority, in a session of their own, sees an empty search."""
    _with_personal_data(make_request(State.ACCEPTED))
    client.force_login(world["lda"])
    _search(client, name="zwartewaal")
    client.logout()
    client.force_login(world["lda"])  # a new session after logging out
    page = client.get(reverse("privacy:subjects"))
    assert page.context["page"] is None


@pytest.mark.parametrize("who", ["handler", "basic", "resp_lda"])
def test_search_post_refused_like_the_page(client, world, who):
    """Only the authority's local data administrators search (the policy, as for the page);
    the other authority's administrator searches only its own requests."""
    client.force_login(world[who])
    response = _search(client, name="zwartewaal")
    assert response.status_code == (302 if who == "resp_lda" else 404)


def test_search_post_anonymous_goes_to_the_login(client):
    response = _search(client, name="zwartewaal")
    assert response.status_code == 302 and "login" in response["Location"]
    assert "zwartewaal" not in response["Location"]


def test_no_page_puts_personal_data_in_a_url(client, world, make_request):
    """Every page that shows a request, its personal data or a data subject's requests, for
    the users who see the personal data: no link, form target, redirect or GET form holds it."""
    draft = make_request(State.DRAFT)
    sent = make_request(State.ACCEPTED)
    answered = make_request(State.ANSWERED, referred=True)
    for info_request in (draft, sent, answered):
        _with_personal_data(info_request)
    pages = {
        "handler": [
            reverse("home"),
            reverse("exchange:outgoing"),
            *(
                reverse("exchange:compose_step", kwargs={"pk": draft.pk, "step": step})
                for step in (
                    "area",
                    "questions",
                    "provider",
                    "justification",
                    "attachments",
                    "recipient",
                    "reply-date",
                    "review",
                )
            ),
            *(reverse("exchange:detail", kwargs={"pk": r.pk}) for r in (draft, sent, answered)),
        ],
        "resp_handler": [
            reverse("home"),
            reverse("exchange:list"),
            *(reverse("exchange:detail", kwargs={"pk": r.pk}) for r in (sent, answered)),
        ],
        "lda": [
            reverse("privacy:subjects"),
            reverse("privacy:access_log"),
            *(
                reverse(f"privacy:{name}", kwargs={"pk": r.pk})
                for r in (sent, answered)
                for name in ("subject_request", "correct")
            ),
        ],
    }
    for who, urls in pages.items():
        client.force_login(world[who])
        if who == "lda":
            _search(client, name="zwartewaal")
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 302), (who, url, response.status_code)
            _assert_no_personal_data_in_urls(response, f"{who} {url}")
    # The personal data was on those pages: the check looked where it could have been.
    client.force_login(world["handler"])
    detail = client.get(reverse("exchange:detail", kwargs={"pk": sent.pk})).content.decode()
    assert PERSONAL["provider_name"] in detail and PERSONAL["registration_number"] in detail


def test_new_search_button_in_dutch(client, world):
    client.force_login(world["lda"])
    client.post(reverse("privacy:subjects"), {"name": "zwartewaal"})
    html = client.get(reverse("privacy:subjects"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Nieuwe zoekopdracht" in html


def test_search_takes_text_from_the_wild(client, world, make_request):
    _with_personal_data(make_request(State.ACCEPTED))
    client.force_login(world["lda"])
    # Too long: refused at the field, in the user's words, nothing lost from the form.
    response = _search(client, name="Zwartewaal " * 1000)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "at most 300 characters" in html
    assert "Zwartewaal Zwartewaal" in html
    # Other scripts and control characters: searched for (nothing found), never a crash.
    for name in ("Звартеваал 中文 العربية", "Zwarte\x0cwaal\x07", "\x1b[0m", "Zwarte\x00waal"):
        response = _search(client, name=name)
        if response.status_code == 302:
            page = client.get(response["Location"])
            assert page.status_code == 200
        else:  # refused at the field (control characters, once input refuses them)
            assert response.status_code == 200
            assert "govuk-error-summary" in response.content.decode()
