"""The exchange's test world and ``make_request``, which reaches a state through the services.

The world builds on the root fixtures: Gemeente Oeteldonk (NL, ``authority``) asks, the
Gewerbeamt Köln (DE, ``other_authority``) answers. Each side has one user per role; each has a
supervising coordinator (NL and DE) with a request handler; a third Dutch authority and a
second German authority stand by as "another authority" and as the forwarding target.
Question sets come from a small sample fixture loaded by the real loader.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openimi.accounts.models import Role, User
from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
from openimi.common.catalogues import reference_texts
from openimi.exchange import services
from openimi.exchange.models import InformationRequest, Question, QuestionSet
from openimi.exchange.reference import load_question_sets, required_languages
from openimi.exchange.workflow import State
from tests.clock import clock  # noqa: F401 - makes the fixture available here
from tests.factories import (
    AreaPreferencesFactory,
    AuthorityFactory,
    LegislativeAreaFactory,
    UserFactory,
)

PROVIDER_NAME = "Bouwbedrijf Jansen B.V."
PROVIDER_EMAIL = "info@jansen-bouw.example"
JUSTIFICATION = "Jansen applies for a building licence; we must check its registration in NL."
PDF = b"%PDF-1.4\n% a tiny test document\n"

SAMPLE: dict[str, Any] = {
    "version": "test.1",
    "standard_answers": [
        {
            "code": "data_protection",
            "texts": {
                "en": "Given our data protection rules, we cannot answer this question.",
                "nl": "Gelet op onze regels inzake gegevensbescherming, kunnen we deze vraag "
                "niet beantwoorden.",
            },
        },
        {
            "code": "not_competent",
            "texts": {"en": "We are not competent.", "nl": "Wij zijn niet bevoegd."},
        },
    ],
    "question_sets": [
        {
            "code": "services-sample",
            "area": "services",
            "is_practice": False,
            "titles": {
                "en": "Services: establishment",
                "nl": "Diensten: vestiging",
                "de": "Dienstleistungen: Niederlassung",
            },
            "descriptions": {"en": "Sample set.", "nl": "Voorbeeldset."},
            "questions": [
                {
                    "code": "S-01",
                    "answer_type": "yes_no",
                    "texts": {"en": "Is it registered?", "nl": "Is het ingeschreven?"},
                    "standard_answers": ["data_protection", "not_competent"],
                },
                {
                    "code": "S-02",
                    "answer_type": "yes_no_unknown",
                    "texts": {"en": "Any sanctions?", "nl": "Sancties?"},
                    "help": {"en": "Criminal or administrative.", "nl": "Strafrechtelijk."},
                    "standard_answers": ["data_protection"],
                },
                {
                    "code": "S-03",
                    "answer_type": "choice",
                    "texts": {"en": "Legal form?", "nl": "Rechtsvorm?"},
                    "choices": [
                        {"code": "bv", "texts": {"en": "Private company", "nl": "BV"}},
                        {"code": "nv", "texts": {"en": "Public company", "nl": "NV"}},
                    ],
                    "standard_answers": ["data_protection"],
                },
                {
                    "code": "S-04",
                    "answer_type": "date",
                    "texts": {"en": "Since when?", "nl": "Sinds wanneer?"},
                    "standard_answers": ["data_protection"],
                },
                {
                    "code": "S-05",
                    "answer_type": "free_text",
                    "texts": {"en": "Describe the activity.", "nl": "Beschrijf de activiteit."},
                    "standard_answers": ["data_protection"],
                },
                {
                    "code": "S-06",
                    "answer_type": "document",
                    "texts": {"en": "The licence, please.", "nl": "De vergunning graag."},
                    "standard_answers": ["data_protection"],
                },
            ],
        },
        {
            "code": "services-practice",
            "area": "services",
            "is_practice": True,
            "titles": {"en": "FICTITIOUS practice set", "nl": "FICTIEF oefenset"},
            "questions": [
                {
                    "code": "P-01",
                    "answer_type": "yes_no",
                    "texts": {"en": "Practice question?", "nl": "Oefenvraag?"},
                    "standard_answers": ["data_protection"],
                }
            ],
        },
    ],
}

# The answer each sample answer type gets in make_request.
ANSWERS: dict[str, dict[str, Any]] = {
    "yes_no": {"value": "yes"},
    "yes_no_unknown": {"value": "unknown"},
    "choice": {"value": "bv"},
    "date": {"value": "2019-05-01"},
    "free_text": {"free_text": "Building work.", "free_text_language": "en"},
    "document": {},
}


def write_sample(directory: Path, data: dict[str, Any] | None = None) -> Path:
    """The sample as a fixture file. The loader needs every text in every language of
    settings.LANGUAGES; the sample is written in English and Dutch, so each other language
    gets the English text marked with its code ("[de] Is it registered?")."""
    directory.mkdir(parents=True, exist_ok=True)
    data = copy.deepcopy(data or SAMPLE)
    others = [code for code in required_languages() if code not in ("en", "nl")]
    for _pointer, texts in reference_texts(data):
        for code in others:
            texts.setdefault(code, f"[{code}] {texts['en']}")
    path = directory / "sample.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return directory


def pdf(name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    area: LegislativeArea
    requesting: Authority
    responding: Authority
    third: Authority
    target: Authority
    coordinator: Authority
    other_coordinator: Authority
    question_set: QuestionSet
    practice_set: QuestionSet
    users: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, name: str) -> User:
        return self.users[name]

    def prefs(self, authority: Authority) -> AreaPreferences:
        return AreaPreferences.objects.get(authority=authority, area=self.area)

    def set_prefs(self, authority: Authority, **flags: Any) -> None:
        AreaPreferences.objects.filter(authority=authority, area=self.area).update(**flags)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments go to a temporary storage, never to the checkout's var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def world(
    tmp_path,
    services_area,
    authority,
    other_authority,
    coordinator,
    de,
    handler,
    other_handler,
    allocator,
    supervisor,
    basic_user,
    lda,
    coordinator_lda,
) -> World:
    LegislativeAreaFactory(code="professional_qualifications")
    load_question_sets(directory=write_sample(tmp_path / "question_sets"))
    other_coordinator = AuthorityFactory(
        country=de,
        language_id="de",
        kind=Authority.Kind.SERVICES_COORDINATOR,
        official_name="Bundesministerium – IMI-Koordinator",
        email="imi-koordinator@bund.example",
    )
    AreaPreferences.objects.filter(authority=other_authority, area=services_area).update(
        supervising_coordinator=other_coordinator
    )
    third = AuthorityFactory(
        country=authority.country,
        language_id="nl",
        official_name="Gemeente Anderstad",
        email="imi@anderstad.example",
    )
    AreaPreferencesFactory(authority=third, area=services_area, supervising_coordinator=coordinator)
    target = AuthorityFactory(
        country=de, language_id="de", official_name="Handwerkskammer", email="imi@hwk.example"
    )
    AreaPreferencesFactory(
        authority=target, area=services_area, supervising_coordinator=other_coordinator
    )

    def user(authority: Authority, name: str, roles: list[str], language: str) -> User:
        grants = [
            (role, None if role == Role.LOCAL_DATA_ADMINISTRATOR else services_area)
            for role in roles
        ]
        return UserFactory(authority=authority, username=name, roles=grants, language=language)

    handler_role, allocator_role = Role.REQUEST_HANDLER, Role.ALLOCATOR
    users = {
        "handler": handler,
        "handler2": user(authority, "handler2", [handler_role], "nl"),
        "allocator": allocator,
        "supervisor": supervisor,
        "basic": basic_user,
        "lda": lda,
        "resp_handler": other_handler,
        "resp_handler2": user(other_authority, "resp_handler2", [handler_role], "de"),
        "resp_allocator": user(other_authority, "resp_allocator", [allocator_role], "nl"),
        "resp_supervisor": user(other_authority, "resp_supervisor", [Role.SUPERVISOR], "de"),
        "resp_basic": user(other_authority, "resp_basic", [], "de"),
        "resp_lda": user(other_authority, "resp_lda", [Role.LOCAL_DATA_ADMINISTRATOR], "de"),
        "third_handler": user(third, "third_handler", [handler_role], "nl"),
        "target_handler": user(target, "target_handler", [handler_role], "de"),
        "coord_handler": user(coordinator, "coord_handler", [handler_role], "nl"),
        "coord_lda": coordinator_lda,
        "resp_coord_handler": user(other_coordinator, "resp_coord_handler", [handler_role], "de"),
    }
    return World(
        area=services_area,
        requesting=authority,
        responding=other_authority,
        third=third,
        target=target,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        question_set=QuestionSet.objects.get(code="services-sample"),
        practice_set=QuestionSet.objects.get(code="services-practice"),
        users=users,
    )


def answer_all(world: World, info_request: InformationRequest, actor: User | None = None) -> None:
    """Give every asked question its sample answer (documents: a PDF)."""
    actor = actor or world["resp_handler"]
    for request_question in info_request.request_questions.select_related("question"):
        answer_type = request_question.question.answer_type
        if answer_type == Question.AnswerType.DOCUMENT:
            services.request_add_attachment(
                info_request=info_request,
                actor=actor,
                file=pdf("answer.pdf"),
                request_question=request_question,
            )
        services.answer_save(
            info_request=info_request,
            actor=actor,
            request_question=request_question,
            **ANSWERS[answer_type],
        )


@pytest.fixture
def make_request(world: World):
    """``make_request(state, ...)``: a request brought to ``state`` by the real services.

    Options: ``practice`` (the practice set), ``allocation`` (the responding authority works
    with allocation; ``resp_handler`` is allocated), ``outgoing_approval`` / ``answer_approval``
    (the coordinators approve), ``referred`` (the requester refers it to its coordinator as
    soon as it reached the responding authority), ``attachment`` (a PDF on the draft).
    """

    def make(
        state: str = State.DRAFT,
        *,
        practice: bool = False,
        allocation: bool = False,
        outgoing_approval: bool = False,
        answer_approval: bool = False,
        referred: bool = False,
        attachment: bool = False,
    ) -> InformationRequest:
        state = State(state)
        w = world
        outgoing_approval = outgoing_approval or state == State.AWAITING_APPROVAL
        answer_approval = answer_approval or state == State.ANSWER_AWAITING_APPROVAL
        if allocation:
            w.set_prefs(w.responding, uses_allocation=True)
        if outgoing_approval:
            w.set_prefs(w.requesting, needs_coordinator_approval=True)
        if answer_approval:
            w.set_prefs(w.responding, needs_coordinator_approval=True)
        question_set = w.practice_set if practice else w.question_set
        requester, responder = w["handler"], w["resp_handler"]
        info_request = services.request_create_draft(
            actor=requester,
            area=w.area,
            question_set=question_set,
            responding_authority=w.responding,
        )
        services.request_update_draft(
            info_request=info_request,
            actor=requester,
            questions=list(question_set.questions.order_by("position")),
            reply_by=timezone.localdate() + dt.timedelta(days=14),
            justification=JUSTIFICATION,
            justification_language="en",
        )
        services.request_set_personal_data(
            info_request=info_request,
            actor=requester,
            data={"provider_name": PROVIDER_NAME, "email": PROVIDER_EMAIL, "city": "Den Bosch"},
        )
        if attachment:
            services.request_add_attachment(info_request=info_request, actor=requester, file=pdf())
        if state == State.DRAFT:
            return _fresh(info_request)
        services.request_send(info_request=info_request, actor=requester)
        if state == State.AWAITING_APPROVAL:
            return _fresh(info_request)
        if outgoing_approval:
            services.request_approve(info_request=info_request, actor=w["coord_handler"])
        if allocation:
            services.request_allocate(
                info_request=info_request, actor=w["resp_allocator"], handlers=[responder]
            )
        if referred:
            services.request_refer_to_coordinator(
                info_request=info_request, actor=requester, text="No answer yet.", language="en"
            )
        if state == State.AWAITING_ACCEPTANCE:
            return _fresh(info_request)
        if state == State.REJECTED:
            w.set_prefs(w.responding, may_reject=True)
            services.request_reject(
                info_request=info_request, actor=responder, reason="outside_scope"
            )
            return _fresh(info_request)
        if state == State.WITHDRAWN:
            services.request_withdraw(info_request=info_request, actor=requester)
            return _fresh(info_request)
        services.request_accept(info_request=info_request, actor=responder)
        if state == State.ACCEPTED:
            return _fresh(info_request)
        if state == State.AWAITING_INFORMATION:
            services.request_request_info(
                info_request=info_request, actor=responder, text="Which branch?", language="en"
            )
            return _fresh(info_request)
        answer_all(w, info_request, responder)
        services.request_answer(info_request=info_request, actor=responder)
        if state == State.ANSWER_AWAITING_APPROVAL:
            return _fresh(info_request)
        if answer_approval:
            services.request_approve(info_request=info_request, actor=w["resp_coord_handler"])
        if state == State.ANSWERED:
            return _fresh(info_request)
        services.request_accept_answer(info_request=info_request, actor=requester)
        assert state == State.CLOSED
        return _fresh(info_request)

    return make


def _fresh(info_request: InformationRequest) -> InformationRequest:
    return InformationRequest.objects.get(pk=info_request.pk)
