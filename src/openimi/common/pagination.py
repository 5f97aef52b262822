"""Paginators for long lists whose cost must not grow with the number of matches.

- ``CappedPaginator``: for lists read in index order (the request lists, the access log),
  where the page stops early but counting every match costs as much as reading them all: it
  counts up to a limit and the page says "more than N" (bench/RESULTS.md).
- ``OnePassPaginator``: for results no index keeps in order (the directory search), where
  the database reads and sorts every match for any page anyway: the page and the total come
  from that one pass (``COUNT(*) OVER ()``) instead of a second query that reads them again.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Window
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``count_limit`` rows; ``capped`` says there are more (the pages then
    end at the limit)."""

    capped = False

    def __init__(self, object_list, per_page, *, count_limit: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = count_limit

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: self.count_limit + 1].count()
        self.capped = counted > self.count_limit
        return min(counted, self.count_limit)


class OnePassPaginator(Paginator):
    """One query for a page and the total; a second only for a page past the end."""

    def get_page(self, number):
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(_total=Window(Count("*")))[bottom : bottom + self.per_page]
        )
        if rows:
            self.count = rows[0]._total  # noqa: SLF001 (our annotation)
            return self._get_page(rows, number, self)
        if number == 1:
            self.count = 0
            return self._get_page([], 1, self)
        # Past the end (an old link): count, then show the last page as Django's would.
        self.count = self.object_list.order_by().count()
        try:
            return self.page(self.num_pages)
        except InvalidPage:
            return self._get_page([], 1, self)
