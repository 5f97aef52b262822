"""The actions the permission policy decides on (``policy.can(user, action, obj)``).

Apart from ``policy.py`` so that the rule modules it delegates to (``requests.py``,
``monitoring.py``) can name them without importing the policy back.
"""

from enum import StrEnum


class Action(StrEnum):
    VIEW_DIRECTORY = "directory.view"
    VIEW_ADMINISTRATION = "administration.view"
    VIEW_AUTHORITY_DATA = "authority.view_data"
    CHANGE_AUTHORITY = "authority.change"
    CHANGE_AREA_PREFERENCES = "authority.change_preferences"
    CHANGE_COORDINATOR_SETTINGS = "authority.change_coordinator_settings"
    # Information requests: the rules live in access/requests.py. The object is the
    # InformationRequest, except REQUEST_LIST and REQUEST_COORDINATOR_OVERVIEW (none),
    # REQUEST_CREATE (a LegislativeArea, or None for "any area") and
    # REQUEST_DOWNLOAD_ATTACHMENT (an Attachment).
    REQUEST_LIST = "request.list"
    REQUEST_COORDINATOR_OVERVIEW = "request.coordinator_overview"
    REQUEST_CREATE = "request.create"
    REQUEST_VIEW = "request.view"
    REQUEST_VIEW_DETAILS = "request.view_details"
    REQUEST_VIEW_PERSONAL_DATA = "request.view_personal_data"
    # Read the free text (justification, answers, notes, mediation) as typed; whoever may
    # not (a coordinator's users) reads it with the personal data masked (privacy/masking.py).
    REQUEST_READ_AS_TYPED = "request.read_as_typed"
    REQUEST_DOWNLOAD_ATTACHMENT = "request.download_attachment"
    REQUEST_EDIT_DRAFT = "request.edit_draft"
    REQUEST_SEND = "request.send"
    REQUEST_APPROVE = "request.approve"
    REQUEST_RETURN = "request.return"
    REQUEST_ACCEPT = "request.accept"
    REQUEST_FORWARD = "request.forward"
    REQUEST_REJECT = "request.reject"
    REQUEST_ALLOCATE = "request.allocate"
    # "I'll handle this": a request handler takes an incoming request where the authority
    # works without allocation, so that colleagues see who has it.
    REQUEST_TAKE = "request.take"
    REQUEST_REQUEST_INFO = "request.request_info"
    REQUEST_PROVIDE_INFO = "request.provide_info"
    REQUEST_ANSWER = "request.answer"
    REQUEST_ACCEPT_ANSWER = "request.accept_answer"
    REQUEST_ASK_FOLLOW_UP = "request.ask_follow_up"
    REQUEST_WITHDRAW = "request.withdraw"
    REQUEST_REFER_TO_COORDINATOR = "request.refer_to_coordinator"
    REQUEST_VIEW_MEDIATION = "request.view_mediation"
    REQUEST_MEDIATE = "request.mediate"
    REQUEST_END_MEDIATION = "request.end_mediation"
    # User management (Administration → Manage users): the object of USER_MANAGE is the
    # Authority, of USER_CHANGE the User being changed.
    USER_MANAGE = "users.manage"
    USER_CHANGE = "users.change"
    # Link or unlink a user's single sign-on login (accounts/sso): the object is the User.
    USER_SSO_LINK = "users.sso_link"
    # Add or remove passkeys (accounts/passkeys): the object is the User whose passkeys they are.
    PASSKEY_MANAGE = "users.passkey_manage"
    # Delete a user's second factors (authenticator apps, passkeys, recovery codes), so that
    # they register again: the object is the User.
    USER_SECOND_FACTORS_RESET = "users.second_factors_reset"
    # Hand a leaver's open requests (drafts and sent ones, allocations) to a colleague of the
    # same authority (seed 6.2), so that the leaver can be deleted: the object is the leaver.
    USER_HAND_OVER = "users.hand_over"
    # The REST API: API_TOKEN_MANAGE's (make a token) and API_TOKEN_REVOKE's object is the
    # User the token acts as (oneself, or a service account of the authority one
    # administers); WEBHOOK_MANAGE's the Authority.
    API_TOKEN_MANAGE = "api.token_manage"
    API_TOKEN_REVOKE = "api.token_revoke"
    WEBHOOK_MANAGE = "api.webhook_manage"
    # Failed e-mail deliveries (Administration → E-mails not delivered): OUTBOX_VIEW_FAILED's
    # object is the Authority, OUTBOX_RESEND's the OutboxMessage (its ``authority`` answers).
    OUTBOX_VIEW_FAILED = "outbox.view_failed"
    OUTBOX_RESEND = "outbox.resend"
    # Monitoring (timeliness figures, access/monitoring.py): MONITORING_VIEW's object is the
    # user's own Authority; MONITORING_COORDINATE has none (the coordinator's supervised ones).
    MONITORING_VIEW = "monitoring.view"
    MONITORING_COORDINATE = "monitoring.coordinate"
    # Privacy (Administration → Personal-data access log, Data subject requests):
    # PERSONAL_DATA_LOG_VIEW's and DATA_SUBJECT_MANAGE's object is the Authority;
    # DATA_SUBJECT_HANDLE's (read, export, mark contested) and DATA_SUBJECT_CORRECT's the
    # InformationRequest.
    PERSONAL_DATA_LOG_VIEW = "privacy.log_view"
    DATA_SUBJECT_MANAGE = "privacy.subject_manage"
    DATA_SUBJECT_HANDLE = "privacy.subject_handle"
    DATA_SUBJECT_CORRECT = "privacy.subject_correct"
    # Running the network (issue 19, access/network.py). NETWORK_ADMINISTER (no object): the
    # network administrator's pages: legislative areas, keywords, policy areas, question sets
    # (write, translate, publish, version, export and import), FAQ pages.
    NETWORK_ADMINISTER = "network.administer"
    # The "Network" page that leads to the parts below, no object: whoever has a part in running
    # the network (the network administrator; coordinators' local data administrators; a
    # national coordinator's supervisors).
    NETWORK_VIEW = "network.view"
    # Browse the question sets of each area (seed step 1.3), no object: every active user.
    QUESTION_CATALOGUE_VIEW = "network.question_catalogue_view"
    # Register an authority, and validate or decline a request to join: the object is the
    # Country (None: "in some country", for menus; ``policy.network_countries`` lists them).
    AUTHORITY_REGISTER = "network.authority_register"
    # The coordinator's part in an authority's life (seed 6.4, 6.1), the object the Authority:
    # change its official name, add or remove an area and its supervising coordinator, reset
    # the access of its local data administrator, read its history.
    AUTHORITY_COORDINATE = "network.authority_coordinate"
    # Deactivate an authority (its open requests handed to another first) or merge it into
    # another (both must allow it): the object is the Authority.
    AUTHORITY_RESTRUCTURE = "network.authority_restructure"
    # The national helpdesk's contact, the object the Country; FAQ pages, no object.
    HELP_MANAGE = "network.help_manage"
    # The three indicators across the authorities one oversees, per country and area (no
    # object; ``policy.network_countries`` says which countries).
    NETWORK_MONITORING_VIEW = "network.monitoring_view"
    # Alerts (issue 22, access/alerts.py): the one-to-many workflow. ALERT_LIST has no object;
    # ALERT_CREATE's is the LegislativeArea of the kind of alert (None: "some area", for
    # menus); ALERT_RECEIVE's (acknowledge, distribute) the AlertRecipient; ALERT_DOWNLOAD_
    # ATTACHMENT's the AlertAttachment; ALERT_COORDINATORS_MANAGE's the Country (None: "some
    # country"); the others' the Alert.
    ALERT_LIST = "alert.list"
    ALERT_CREATE = "alert.create"
    ALERT_VIEW = "alert.view"
    ALERT_VIEW_PERSONAL_DATA = "alert.view_personal_data"
    ALERT_DOWNLOAD_ATTACHMENT = "alert.download_attachment"
    # Edit, attach to, submit or delete the draft: the sender's request handlers for the area.
    ALERT_EDIT_DRAFT = "alert.edit_draft"
    # Validate or return the alert, its new information and its closure: the validating
    # alert coordinator's request handlers and supervisors for the area.
    ALERT_VALIDATE = "alert.validate"
    # Add new information or propose closure once sent: the sender's request handlers.
    ALERT_UPDATE = "alert.update"
    ALERT_WITHDRAW = "alert.withdraw"
    ALERT_RECEIVE = "alert.receive"
    # Register the alert coordinator of a country for an area: the network administrator, or
    # the national coordinator's local data administrators for their country.
    ALERT_COORDINATORS_MANAGE = "alert.coordinators_manage"
