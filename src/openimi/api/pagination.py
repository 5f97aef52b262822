"""Cursor pagination on every list: stable under inserts, constant cost per page."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 200


class Ascending(Cursor):
    ordering = "pk"
