"""The exchange's world (two authorities, real services), the API client and the clock."""

import pytest

from openimi.accounts.models import Role
from tests.api.conftest import api  # noqa: F401
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401
from tests.factories import UserFactory
from tests.notifications.conftest import clock  # noqa: F401


@pytest.fixture
def third_lda(world):  # noqa: F811
    """A local data administrator of an authority that is party to nothing here."""
    return UserFactory(
        authority=world.third, username="third_lda", roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)]
    )
