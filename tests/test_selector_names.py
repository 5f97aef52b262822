"""Read functions follow one naming idiom (STYLE.md): ``<entity>_list`` for many,
``<entity>_get`` for one, ``<entity>_search`` for a search by criteria, ``<…>_load`` for
reading relations onto instances already in hand. What a selector module holds that is not a
read of an entity stands below, each with its reason; a new one fails here with its file and
line."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "openimi"
IDIOM = ("_list", "_get", "_search", "_load")

NOT_ENTITY_READS = {
    # Figures and documents computed from reads, not an entity.
    "add_months", "authority_headcount", "authority_lines", "authority_user_warnings",
    "current_counts", "current_counts_by_authority", "indicator_report", "export_headers",
    "network_report",
    "rollout_check", "rollout_export", "worker_counts", "standard_answer_text", "part_label",
    "request_justification", "free_text_masker", "search_choices",
    "personal_data_removal", "personal_data_removed_at", "removal_notice",
    # The operators' figures for /metrics/ and /health/ready/ (observability/selectors.py).
    "outbox_figures", "outbox_oldest_due_age", "overdue_request_count",
    "retention_last_success", "login_figures", "task_figures",
    # Yes/no questions.
    "awaits_allocation", "is_overdue", "practice_request_sent", "user_is_locked",
    "request_reject_through_coordinator",
    # Filters and expressions applied to a query the caller has.
    "overdue_q", "with_overdue", "overdue_kinds", "user_filter",
    # What the policy allows next (the state table and the policy together).
    "request_available_transitions", "requests_available_transitions",
    # Keyed look-ups for many at once (a set or a dict), or the one open mark.
    "locked_usernames", "users_by_email", "open_contest_mark",
}  # fmt: skip


def test_every_read_function_follows_the_naming_idiom():
    found = []
    for path in sorted(SRC.rglob("selectors.py")):
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if node.name.endswith(IDIOM) or node.name in NOT_ENTITY_READS:
                continue
            found.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.name}")
    assert found == []
