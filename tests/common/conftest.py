"""The exchange's test world (``world``, ``make_request``) for the tests across the product."""

from tests.exchange.conftest import make_request, media_root, world  # noqa: F401 - fixtures
