"""Every write to information requests (DESIGN rule 2): one function per transition, plus the
draft services. Import from here: ``from openimi.exchange import services``.

Split by sub-domain: ``drafts`` (compose and send), ``transitions`` (the workflow after
sending), ``answers`` (saving answers), ``coordination`` (allocation, mediation, audited
reads). ``_base`` holds what they share.
"""

from openimi.exchange.services import authority_moves as authority_moves
from openimi.exchange.services._base import UNSET, ConcurrentChangeError, IncompleteError
from openimi.exchange.services.answers import answer_save, incomplete_questions
from openimi.exchange.services.coordination import (
    HandOverError,
    attachment_open,
    mediation_post,
    personal_data_view,
    personal_data_view_record,
    request_allocate,
    request_end_mediation,
    request_refer_to_coordinator,
    request_take,
    requests_hand_over,
)
from openimi.exchange.services.drafts import (
    draft_problems,
    request_add_attachment,
    request_create_draft,
    request_delete_draft,
    request_remove_attachment,
    request_send,
    request_set_personal_data,
    request_update_draft,
)
from openimi.exchange.services.transitions import (
    request_accept,
    request_accept_answer,
    request_answer,
    request_approve,
    request_ask_follow_up,
    request_forward,
    request_provide_info,
    request_reject,
    request_request_info,
    request_return,
    request_withdraw,
)
from openimi.exchange.workflow import TransitionNotAllowed

__all__ = [
    "UNSET",
    "ConcurrentChangeError",
    "HandOverError",
    "IncompleteError",
    "TransitionNotAllowed",
    "answer_save",
    "attachment_open",
    "draft_problems",
    "incomplete_questions",
    "mediation_post",
    "personal_data_view",
    "personal_data_view_record",
    "request_accept",
    "request_accept_answer",
    "request_add_attachment",
    "request_allocate",
    "request_take",
    "requests_hand_over",
    "request_answer",
    "request_approve",
    "request_ask_follow_up",
    "request_create_draft",
    "request_delete_draft",
    "request_end_mediation",
    "request_forward",
    "request_provide_info",
    "request_refer_to_coordinator",
    "request_reject",
    "request_remove_attachment",
    "request_request_info",
    "request_return",
    "request_send",
    "request_set_personal_data",
    "request_update_draft",
    "request_withdraw",
]
