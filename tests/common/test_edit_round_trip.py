"""Every Change page opens with the stored values: saved as shown, nothing stored changes.

Each case opens an edit page as its user would, sends the form back exactly as a browser
would (the values shown, the ticked boxes, the chosen options, the first submit button), and
compares every stored row of the product before and after. The logs that record the visit
itself (events, sessions, the access log, the outbox) are left out of the comparison.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
import pytest
from django.apps import apps
from django.core import serializers
from django.urls import reverse
from django.utils import timezone

from openimi.accounts.models import Role
from openimi.authorities.models import AreaPreferences, AuthorityTranslation
from openimi.exchange import services as exchange_services
from openimi.exchange.workflow import State
from openimi.notifications.models import NotificationPreference
from tests.factories import EconomicSectorFactory, KeywordFactory, UserFactory

# Logs of what happened, not data a page edits; timestamps of the last save.
_NOT_COMPARED_MODELS = {
    "common.ContentVersion",
    "accounts.SecurityEvent",
    "accounts.UserSession",
    "notifications.OutboxMessage",
    "exchange.RequestEvent",
    "retention.BlockedAccessLog",
    "api.ApiTokenUse",
    "api.WebhookDelivery",
}
_NOT_COMPARED_FIELDS = {"updated_at", "last_login"}


def stored() -> dict[str, list[dict]]:
    """Every row of every model of the product, with its many-to-many links."""
    snapshot = {}
    for model in apps.get_models():
        label = model._meta.label
        if not model.__module__.startswith("openimi") or label in _NOT_COMPARED_MODELS:
            continue
        rows = serializers.serialize("python", model._default_manager.order_by("pk"))
        for row in rows:
            for name in _NOT_COMPARED_FIELDS:
                row["fields"].pop(name, None)
            for name, value in row["fields"].items():
                if isinstance(value, list):
                    row["fields"][name] = sorted(value, key=str)
        snapshot[label] = rows
    return snapshot


def form_data(form) -> dict[str, list[str]]:
    """What a browser sends for ``form`` as shown (HTML's form data set, without buttons)."""
    data: dict[str, list[str]] = {}
    for element in form.xpath(".//input | .//select | .//textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "select":
            options = element.xpath(".//option")
            chosen = [o for o in options if o.get("selected") is not None]
            if not chosen and options and element.get("multiple") is None:
                chosen = options[:1]
            values = [o.get("value", o.text_content()) for o in chosen]
        elif element.tag == "textarea":
            text = element.text or ""
            values = [text[1:] if text.startswith("\n") else text]  # as HTML parses it
        else:
            kind = (element.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind in {"checkbox", "radio"} and element.get("checked") is None:
                continue
            values = [element.get("value", "on" if kind in {"checkbox", "radio"} else "")]
        data.setdefault(name, []).extend(values)
    return data


def submit_as_shown(client, url: str, change: dict | None = None):
    """GET ``url`` and post its form back as a browser would: untouched, or with ``change``."""
    page = client.get(url)
    assert page.status_code == 200, url
    document = lxml.html.fromstring(page.content.decode())
    forms = document.xpath("//main//form[translate(@method, 'post', 'POST')='POST']")
    forms = [f for f in forms if f.xpath(".//input[@type!='hidden'] | .//textarea | .//select")]
    assert forms, f"no edit form on {url}"
    form = forms[-1]  # a page's search form (the recipient step) comes before its edit form
    data = {**form_data(form), **(change or {})}
    button = form.xpath(".//button[not(@type) or @type='submit'] | .//input[@type='submit']")
    if button and button[0].get("name"):
        data.setdefault(button[0].get("name"), []).append(button[0].get("value", ""))
    action = urljoin(url, form.get("action") or url)
    return client.post(action, data)


@dataclass
class Case:
    user: str
    url: str


@pytest.fixture
def edited_world(world, make_request, settings):
    """Stored values that differ from every form default: a preferences page with ticked
    keywords and both answers Yes, a translation, competences, a user with several roles,
    a digest preference, a complete draft, a saved answer."""
    w = world
    settings.LANGUAGE_CODE = "en"
    keywords = [KeywordFactory(area=w.area, code=f"kw-{n}") for n in range(3)]
    preferences = w.prefs(w.requesting)
    preferences.keywords.set(keywords[:2])
    AuthorityTranslation.objects.create(
        authority=w.requesting, language_id="de", informal_title="Gemeinde", description="Text"
    )
    sectors = [EconomicSectorFactory(code=code) for code in ("41", "43")]
    w.requesting.economic_sectors.set(sectors[:1])
    w.requesting.description = "Wij beantwoorden vragen over vergunningen."
    w.requesting.phone = "+31 73 1234567"
    w.requesting.save()
    colleague = UserFactory(
        authority=w.requesting,
        username="colleague",
        phone="+31 6 12345678",
        language="nl",
        roles=[
            (Role.REQUEST_HANDLER, w.area),
            (Role.SUPERVISOR, w.area),
            (Role.LOCAL_DATA_ADMINISTRATOR, None),
        ],
    )
    handler = w["handler"]
    handler.phone = "+31 70 7654321"
    handler.save()
    NotificationPreference.objects.update_or_create(
        user=handler,
        defaults={"email_frequency": NotificationPreference.Frequency.DAILY_DIGEST},
    )
    draft = make_request(State.DRAFT)
    exchange_services.request_update_draft(
        info_request=draft,
        actor=handler,
        reply_by=timezone.localdate() + dt.timedelta(days=30),
    )
    accepted = make_request(State.ACCEPTED)
    free_text = accepted.request_questions.get(question__code="S-05")
    exchange_services.answer_save(
        info_request=accepted,
        actor=w["resp_handler"],
        request_question=free_text,
        free_text="Bouwwerkzaamheden.",
        free_text_language="nl",
    )
    yes_no = accepted.request_questions.get(question__code="S-01")
    exchange_services.answer_save(
        info_request=accepted, actor=w["resp_handler"], request_question=yes_no, value="yes"
    )
    # After the requests were made: with approval, sending would wait for the coordinator.
    w.set_prefs(
        w.requesting,
        uses_allocation=True,
        coordinator_may_view_details=True,
        needs_coordinator_approval=True,
        may_reject=True,
    )
    step = "exchange:compose_step"
    return {
        "authority-contact": Case("lda", reverse("authorities:edit_contact")),
        "authority-competences": Case("lda", reverse("authorities:edit_competences")),
        "authority-preferences": Case(
            "lda", reverse("authorities:edit_preferences", kwargs={"area": w.area.code})
        ),
        "authority-translation": Case(
            "lda", reverse("authorities:edit_translation", kwargs={"language": "de"})
        ),
        "coordinator-settings": Case(
            "coord_lda",
            reverse(
                "authorities:edit_coordinator_settings",
                args=[AreaPreferences.objects.get(authority=w.requesting, area=w.area).pk],
            ),
        ),
        "user-change": Case("lda", reverse("users:change", args=[colleague.pk])),
        "my-account-details": Case("handler", reverse("accounts:preferences")),
        **{
            f"draft-{name}": Case("handler", reverse(step, args=[draft.pk, name]))
            for name in ("area", "questions", "provider", "justification", "reply-date")
        },
        "draft-recipient": Case("handler", reverse(step, args=[draft.pk, "recipient"])),
        "answer-free-text": Case(
            "resp_handler", reverse("exchange:answer", args=[accepted.pk, free_text.pk])
        ),
        "answer-yes-no": Case(
            "resp_handler", reverse("exchange:answer", args=[accepted.pk, yes_no.pk])
        ),
    }


EDIT_PAGES = [
    "authority-contact",
    "authority-competences",
    "authority-preferences",
    "authority-translation",
    "coordinator-settings",
    "user-change",
    "my-account-details",
    "draft-area",
    "draft-questions",
    "draft-provider",
    "draft-justification",
    "draft-recipient",
    "draft-reply-date",
    "answer-free-text",
    "answer-yes-no",
]


@pytest.mark.parametrize("page", EDIT_PAGES)
def test_saving_a_change_page_as_shown_changes_nothing(client, world, edited_world, page):
    case = edited_world[page]
    client.force_login(world[case.user])
    before = stored()
    response = submit_as_shown(client, case.url)
    assert response.status_code == 302, f"{page}: the form as shown was refused: " + " | ".join(
        e.text_content().strip()
        for e in lxml.html.fromstring(response.content.decode()).find_class("govuk-error-message")
    )
    assert differences(before, stored()) == []


def differences(before: dict, after: dict) -> list[str]:
    """``model pk field: old -> new`` for every stored value that differs."""
    found = []
    for label, rows in before.items():
        old = {row["pk"]: row["fields"] for row in rows}
        new = {row["pk"]: row["fields"] for row in after[label]}
        for pk in old.keys() | new.keys():
            if pk not in old or pk not in new:
                found.append(f"{label} {pk}: {'added' if pk in new else 'removed'}")
                continue
            found.extend(
                f"{label} {pk} {name}: {old[pk].get(name)!r} -> {new[pk].get(name)!r}"
                for name in old[pk].keys() | new[pk].keys()
                if old[pk].get(name) != new[pk].get(name)
            )
    return sorted(found)


def test_the_preferences_page_shows_the_stored_keywords_and_answers(client, world, edited_world):
    client.force_login(world["lda"])
    page = client.get(edited_world["authority-preferences"].url)
    document = lxml.html.fromstring(page.content.decode())
    ticked = {box.get("value") for box in document.xpath("//input[@name='keywords'][@checked]")}
    stored_keywords = {str(k.pk) for k in world.prefs(world.requesting).keywords.all()}
    assert ticked == stored_keywords
    assert len(ticked) == 2
    for name in ("uses_allocation", "coordinator_may_view_details"):
        assert document.xpath(f"//input[@name='{name}'][@checked]/@value") == ["True"]


def test_changing_only_one_answer_keeps_the_keywords(client, world, edited_world):
    """The case the tester met: only "coordinator may view details" changed."""
    client.force_login(world["lda"])
    url = edited_world["authority-preferences"].url
    response = submit_as_shown(client, url, {"coordinator_may_view_details": ["False"]})
    assert response.status_code == 302
    assert response.url.endswith(f"#preferences-{world.area.code}")
    preferences = world.prefs(world.requesting)
    assert preferences.keywords.count() == 2
    assert preferences.uses_allocation is True
    assert preferences.coordinator_may_view_details is False
    landed = client.get(response.url)
    assert "The preferences have been saved." in landed.content.decode()
