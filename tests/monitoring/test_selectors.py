"""The figures against the hand-computed data set of ``conftest.py`` (read its table first).

Every expected number below is worked out by hand in the comment above it; days are whole
days because every request in the set is received and answered at 10:00.
"""

from __future__ import annotations

import datetime as dt

import pytest

from openimi.access.monitoring import RECEIVED, SENT
from openimi.monitoring import selectors
from openimi.monitoring.selectors import Counts, Period

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
QUARTER = Period(JAN, MAR)


def figures_tuple(figures):
    """(received, accepted in time / base, average days, answered by date / with a date)."""
    return (
        figures.received,
        (figures.accepted_in_time, figures.acceptance_base),
        figures.average_days_to_answer,
        (figures.answered_by_date, figures.answered_with_date),
    )


def report_for(stats, user_name, *, side=RECEIVED, coordinate=False, period=QUARTER, area=None):
    user = stats[user_name]
    requests = selectors.monitored_request_list(
        user=user, side=side, coordinate=coordinate, area_id=area
    )
    areas = selectors.monitoring_area_list(user=user)
    return selectors.indicator_report(
        requests,
        period=period,
        areas=areas,
        by_authority_side=side if coordinate else None,
    )


def test_per_month_and_area_by_hand(stats):
    report = report_for(stats, "lda")  # the local data administrator sees every area
    cells = {(row.month, row.area.code): figures_tuple(row.figures) for row in report.rows}
    assert cells == {
        # January, Services: R1, R2, R3, all accepted (base 3); within 7 days R1 (2 days) and
        # R3 (1 day), not R2 (10 days) -> 2 of 3. Answered in 10 (R1), 24 (R2), 28 (R3) days:
        # 62 / 3 = 20.67 -> 20.7. By the agreed date: R1 (15 ≤ 20 Jan), R2 (3 Feb ≤ the
        # re-proposed 5 Feb), not R3 (9 Feb > 30 Jan) -> 2 of 2+1.
        (JAN, "services"): (3, (2, 3), 20.7, (2, 3)),
        # January, PQ: R4 accepted after 6 days 23 hours -> 1 of 1; not answered.
        (JAN, "professional_qualifications"): (1, (1, 1), None, (0, 0)),
        # February, Services: R6 (accepted after 2 days; answered in 10 days, by 20 Feb) and
        # R7 (rejected: not in the acceptance base). R8 is a practice request: not counted.
        (FEB, "services"): (2, (1, 1), 10.0, (1, 1)),
        # February, PQ: R5 (1 Feb 00:30 Brussels = 31 Jan in UTC, still not accepted after
        # 7 days: in the base, not in time) and R9 (accepted after 1 day, answered in 6 days,
        # 21 Feb ≤ 30 Mar) -> 1 of 2, 6.0 days, 1 of 1.
        (FEB, "professional_qualifications"): (2, (1, 2), 6.0, (1, 1)),
        # March, PQ: R10, received 2 days ago: not yet due for acceptance -> base 0.
        (MAR, "professional_qualifications"): (1, (0, 0), None, (0, 0)),
    }


def test_sums_per_month_per_area_and_in_all(stats):
    report = report_for(stats, "lda")
    months = {month: figures_tuple(f) for month, f in report.months}
    assert months == {
        # January: R1-R4; in time R1, R3, R4 of 4; (10 + 24 + 28) / 3 = 20.7; 2 of 3.
        JAN: (4, (3, 4), 20.7, (2, 3)),
        # February: R5, R6, R7, R9; base R5, R6, R9, in time R6, R9; (10 + 6) / 2 = 8.0.
        FEB: (4, (2, 3), 8.0, (2, 2)),
        MAR: (1, (0, 0), None, (0, 0)),
    }
    areas = {area.code: figures_tuple(f) for area, f in report.areas}
    assert areas == {
        # Services: R1, R2, R3, R6, R7; base 4 (not R7), in time R1, R3, R6;
        # (10 + 24 + 28 + 10) / 4 = 18.0; by date R1, R2, R6 of 4.
        "services": (5, (3, 4), 18.0, (3, 4)),
        # PQ: R4, R5, R9, R10; base R4, R5, R9, in time R4, R9; R9 alone answered in 6 days.
        "professional_qualifications": (4, (2, 3), 6.0, (1, 1)),
    }
    total = report.total
    # 9 requests; 5 of 7 in time = 71.4 %; (62 + 10 + 6) / 5 = 15.6 days; 4 of 5 = 80 %.
    assert figures_tuple(total) == (9, (5, 7), 15.6, (4, 5))
    assert total.accepted_in_time_percent == 71.4
    assert total.answered_by_date_percent == 80.0


def test_months_without_requests_are_listed_empty(stats):
    report = report_for(stats, "lda", period=Period(dt.date(2025, 12, 1), FEB))
    assert [month for month, _ in report.months] == [dt.date(2025, 12, 1), JAN, FEB]
    december = report.months[0][1]
    assert december.received == 0
    assert december.accepted_in_time_percent is None
    assert december.average_days_to_answer is None


def test_a_supervisor_sees_only_the_areas_it_supervises(stats):
    report = report_for(stats, "supervisor")  # Services only
    assert {row.area.code for row in report.rows} == {"services"}
    assert figures_tuple(report.total) == (5, (3, 4), 18.0, (3, 4))


def test_the_area_filter(stats):
    report = report_for(stats, "lda", area=stats.pq.pk)
    assert figures_tuple(report.total) == (4, (2, 3), 6.0, (1, 1))


def test_counts_now(stats):
    requests = selectors.monitored_request_list(user=stats["lda"], side=RECEIVED)
    # Open: R2, R3, R9 (answered), R4 (accepted), R5, R10 (awaiting acceptance); R1 and R6
    # are closed, R7 rejected, R8 practice. Overdue: R5 (acceptance deadline 8 Feb) and R4
    # (reply by 10 Feb, still being answered); answered requests are not overdue.
    assert selectors.current_counts(requests) == Counts(
        open=6, awaiting_acceptance=2, being_answered=1, awaiting_requester=3, overdue=2
    )


def test_the_sent_side(stats):
    report = report_for(stats, "lda", side=SENT)
    # R11: Oeteldonk → Köln on 8 Jan, accepted the next day, answered in 4 days by 30 Jan.
    assert figures_tuple(report.total) == (1, (1, 1), 4.0, (1, 1))


def test_another_authority_counts_nothing_of_ours(stats):
    report = report_for(stats, "koeln_supervisor")
    # Köln received R11 only; what Oeteldonk received is not Köln's.
    assert figures_tuple(report.total) == (1, (1, 1), 4.0, (1, 1))


def test_the_coordinator_counts_the_authorities_it_supervises(stats):
    report = report_for(stats, "coordinator_lda", coordinate=True)
    # Oeteldonk's nine and Anderstad's R12 (5 → 8 Feb: 3 days); not R11, received by Köln,
    # which this coordinator does not supervise. (78 + 3) / 6 = 13.5 days.
    assert figures_tuple(report.total) == (10, (6, 8), 13.5, (5, 6))
    by_authority = {
        authority_id: figures_tuple(f) for authority_id, f in report.by_authority.items()
    }
    assert by_authority == {
        stats.oeteldonk.pk: (9, (5, 7), 15.6, (4, 5)),
        stats.anderstad.pk: (1, (1, 1), 3.0, (1, 1)),
    }
    requests = selectors.monitored_request_list(
        user=stats["coordinator_lda"], side=RECEIVED, coordinate=True
    )
    lines = selectors.authority_lines(
        report, selectors.current_counts_by_authority(requests, side=RECEIVED)
    )
    assert [(line.name, line.counts.open, line.counts.overdue) for line in lines] == [
        ("Gemeente Oeteldonk", 6, 2),
        ("Gemeente Anderstad", 1, 0),
    ]


def test_a_coordinators_supervisor_sees_its_areas_only(stats):
    report = report_for(stats, "coordinator_supervisor", coordinate=True)
    # Services only: Oeteldonk's five and Anderstad's R12. (72 + 3) / 5 = 15.0 days.
    assert figures_tuple(report.total) == (6, (4, 5), 15.0, (4, 5))


def test_constant_number_of_queries(stats, django_assert_num_queries, clock):
    user = stats["lda"]

    def run():
        requests = selectors.monitored_request_list(
            user=user, side=RECEIVED, coordinate=False, area_id=None
        )
        areas = selectors.monitoring_area_list(user=user)
        selectors.current_counts(requests)
        return selectors.indicator_report(requests, period=QUARTER, areas=areas)

    run()  # fills the user's role cache
    # The areas, the counts now, the indicators.
    with django_assert_num_queries(3):
        run()
