"""The exchange's world (two authorities, real services) and the movable clock."""

from tests.exchange.conftest import make_request, media_root, world  # noqa: F401
from tests.notifications.conftest import clock, run_worker  # noqa: F401
