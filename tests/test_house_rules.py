"""The house rules as tests (issue 17, item 3; docs/architecture.md, "Rules checked by tests").

Each test reads the source of src/openimi with ``ast`` and names the file and line of a new
violation. An exception stands on the test's allowlist with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import openimi

PACKAGE = Path(openimi.__file__).resolve().parent


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in f"/{relative}":
            continue  # migrations are history; they run once and are never edited
        yield relative, ast.parse(path.read_text(), filename=str(path))


def _name_of(node: ast.AST) -> str:
    """``info_request`` for ``info_request.status``, ``self.info_request`` alike."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


# --- A request's status is assigned only in exchange/services/ -----------------------------

# ``x.status = ...`` on these names is another model's status, not a request's.
OTHER_STATUSES = {
    "message",  # OutboxMessage (notifications/services.py, notifications/tasks.py)
    "delivery",  # WebhookDelivery (api/webhooks.py)
    "user",  # User: pending → active → inactive (accounts/services.py)
}


def _status_assignments(tree: ast.AST):
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "status"
                and _name_of(target.value) not in OTHER_STATUSES
            ):
                yield node.lineno
        # setattr(obj, "status", ...)
        if (
            isinstance(node, ast.Call)
            and _name_of(node.func) == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "status"
        ):
            yield node.lineno


def status_violations():
    return [
        f"{path}:{line}: a status is assigned outside the services"
        for path, tree in _sources()
        if not path.startswith(("exchange/services/", "alerts/services/"))
        for line in _status_assignments(tree)
    ]


def test_a_status_is_assigned_only_in_the_services():
    """A request's status in exchange/services/, an alert's (and a recipient country's) in
    alerts/services/."""
    assert status_violations() == []


# --- InformationRequest.objects only in selectors, access/, services and retention ---------

QUERY_ALLOWED_PREFIXES = ("access/", "exchange/services/", "retention/")
QUERY_ALLOWED_NAMES = ("selectors.py", "services.py")
QUERY_ALLOWLIST = {
    # The outbox renders an e-mail from the request's texts inside the transaction that wrote
    # the event, for a recipient and not for a reader: no user's visibility applies.
    "exchange/notify.py": "renders e-mail texts for recipients, not for a reader",
    # The demo command seeds a fresh database; it reads whether it already ran.
    "demo/data.py": "the demo seed checks whether it already ran",
}


def _queries_request_objects(tree: ast.AST):
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and _name_of(node.value) == "InformationRequest"
        ):
            yield node.lineno


def request_query_violations():
    return [
        f"{path}:{line}: InformationRequest.objects outside selectors, access/, services"
        for path, tree in _sources()
        if not path.startswith(QUERY_ALLOWED_PREFIXES)
        and Path(path).name not in QUERY_ALLOWED_NAMES
        and path not in QUERY_ALLOWLIST
        for line in _queries_request_objects(tree)
    ]


def test_information_requests_are_queried_only_in_selectors_access_services_and_retention():
    assert request_query_violations() == []


# --- Role grants are read only in access/ --------------------------------------------------

GRANT_ALLOWLIST = {
    # The model itself and its queryset.
    "accounts/models.py": "defines RoleGrant",
    # User management writes grants (give, change, take away roles) and shows an
    # administrator the grants they are changing: that is data, not a decision.
    "accounts/users/roles.py": "writes role grants (user management)",
    "accounts/users/services.py": "writes role grants when a user is created",
    "accounts/operators.py": "the command line grants, revokes and lists network administrators",
    "accounts/users/forms.py": "the roles form shows the grants being changed",
    "accounts/users/selectors.py": "lists users with their roles for the administrator",
    "api/views/users.py": "the users API shows and writes the grants being changed",
    "api/serializers/users.py": "the users API shows the grants being changed",
    # The rollout table imports and exports users with their roles.
    "onboarding/services.py": "the rollout table writes role grants",
    "onboarding/selectors.py": "the rollout table export lists role grants",
    # Cached pages are invalidated when a grant changes.
    "common/content_receivers.py": "invalidates cached pages when grants change",
    # The demo command creates its users with their roles.
    "demo/data.py": "the demo seed creates role grants",
    # A merger of authorities moves the users with their grants' copy of the authority.
    "network/services/lifecycle.py": "a merger moves the grants' authority with the users",
}


def _reads_grants(tree: ast.AST):
    for node in ast.walk(tree):
        named = getattr(node, "id", None) if isinstance(node, ast.Name) else None
        attribute = node.attr if isinstance(node, ast.Attribute) else None
        if named == "RoleGrant" or attribute in ("RoleGrant", "role_grants"):
            yield node.lineno
        elif isinstance(node, ast.keyword) and (node.arg or "").startswith("role_grants__"):
            yield node.value.lineno
        elif isinstance(node, ast.Constant) and node.value == "role_grants":
            yield node.lineno


def grant_violations():
    return [
        f"{path}:{line}: role grants read outside access/"
        for path, tree in _sources()
        if not path.startswith("access/") and path not in GRANT_ALLOWLIST
        for line in sorted(set(_reads_grants(tree)))
    ]


def test_role_grants_are_read_only_in_access():
    assert grant_violations() == []


def test_the_allowlists_name_files_that_exist():
    for path in [*QUERY_ALLOWLIST, *GRANT_ALLOWLIST]:
        assert (PACKAGE / path).is_file(), path
