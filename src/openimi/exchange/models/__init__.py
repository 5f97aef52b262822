"""Models of information requests, split by sub-domain (see each module's docstring)."""

from openimi.exchange.models.activity import (
    Allocation,
    Attachment,
    MediationMessage,
    RequestEvent,
    RequestMessage,
    Side,
    attachment_path,
)
from openimi.exchange.models.question_sets import Question, QuestionSet, StandardAnswer
from openimi.exchange.models.requests import (
    Answer,
    InformationRequest,
    PersonalData,
    RequestQuestion,
    personal,
)

__all__ = [
    "Allocation",
    "Answer",
    "Attachment",
    "InformationRequest",
    "MediationMessage",
    "PersonalData",
    "Question",
    "QuestionSet",
    "RequestEvent",
    "RequestMessage",
    "RequestQuestion",
    "Side",
    "StandardAnswer",
    "attachment_path",
    "personal",
]
