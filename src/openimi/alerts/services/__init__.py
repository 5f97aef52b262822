"""Every write to alerts (DESIGN rule 2): one function per transition, plus the drafts and
the registry of alert coordinators. Import from here: ``from openimi.alerts import services``.

``drafts`` (write, attach, submit, delete; audited reads), ``transitions`` (validation,
updates, closure, withdrawal, the recipient countries' steps, reminders), ``coordinators``
(who coordinates alerts per country and area); ``_base`` holds what they share.
"""

from openimi.alerts.services._base import IncompleteError
from openimi.alerts.services.authority_moves import (
    alerts_move_to_authority,
    authority_alert_work_count,
)
from openimi.alerts.services.coordinators import alert_coordinator_remove, alert_coordinator_set
from openimi.alerts.services.drafts import (
    ALERT_FIELDS,
    PERSONAL_FIELDS,
    alert_add_attachment,
    alert_coordinator_of,
    alert_create_draft,
    alert_delete_draft,
    alert_problems,
    alert_remove_attachment,
    alert_save_draft,
    alert_submit,
    attachment_open,
    personal_data_view_record,
    recipient_countries,
)
from openimi.alerts.services.transitions import (
    alert_acknowledge,
    alert_distribute,
    alert_mark_read,
    alert_propose_closure,
    alert_propose_update,
    alert_return,
    alert_return_closure,
    alert_return_update,
    alert_validate,
    alert_validate_closure,
    alert_validate_update,
    alert_withdraw,
    alerts_remind_restriction_ended,
    distributable_authorities,
)

__all__ = [
    "ALERT_FIELDS",
    "PERSONAL_FIELDS",
    "IncompleteError",
    "alert_acknowledge",
    "alert_add_attachment",
    "alert_coordinator_of",
    "alert_coordinator_remove",
    "alert_coordinator_set",
    "alert_create_draft",
    "alert_delete_draft",
    "alert_distribute",
    "alert_mark_read",
    "alert_problems",
    "alert_propose_closure",
    "alert_propose_update",
    "alert_remove_attachment",
    "alert_return",
    "alert_return_closure",
    "alert_return_update",
    "alert_save_draft",
    "alert_submit",
    "alert_validate",
    "alert_validate_closure",
    "alert_validate_update",
    "alert_withdraw",
    "alerts_move_to_authority",
    "alerts_remind_restriction_ended",
    "authority_alert_work_count",
    "attachment_open",
    "distributable_authorities",
    "personal_data_view_record",
    "recipient_countries",
]
