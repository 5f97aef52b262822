"""The exchange's world (two authorities, real services) for the multi-process tests."""

from tests.exchange.conftest import make_request, media_root, world  # noqa: F401
