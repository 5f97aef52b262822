"""What the login flow keeps in the (server-side) session between its pages.

``LoginAttempt``: written by step 1 (user name and password), read once by step 2 (three
characters of the security code). It holds whether the password was right, which step 2
alone reveals, together with the code. ``AccountSetup``: a user who proved both factors but
must still choose a new password and/or a security code before the session is opened.
Neither holds a password, a code or a character of one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Self

from django.utils import timezone

ATTEMPT_KEY = "openimi.login.attempt"
SETUP_KEY = "openimi.login.setup"
LOGIN_AT_KEY = "openimi.login.at"

ATTEMPT_SECONDS = 10 * 60  # from step 1 to step 2
SETUP_SECONDS = 30 * 60  # to choose a password and a security code

STEP_PASSWORD = "password"
STEP_SECURITY_CODE = "security_code"
# The authority requires a second factor and the user has none: register an authenticator app.
STEP_SECOND_FACTOR = "second_factor"


def _now() -> float:
    return timezone.now().timestamp()


class _SessionState:
    KEY: str
    SECONDS: int
    started_at: float

    def save(self, session) -> None:
        session[self.KEY] = asdict(self)

    @classmethod
    def load(cls, session) -> Self | None:
        """The state in ``session``, or None when there is none, it is malformed or stale."""
        data = session.get(cls.KEY)
        if not isinstance(data, dict):
            return None
        try:
            state = cls._from_dict(data)
        except (KeyError, TypeError, ValueError):
            return None
        if not 0 <= _now() - state.started_at <= cls.SECONDS:
            return None
        return state

    @classmethod
    def forget(cls, session) -> None:
        session.pop(cls.KEY, None)

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> Self:
        raise TypeError(f"{cls.__name__} must say how it is read from the session.")


@dataclass(frozen=True)
class LoginAttempt(_SessionState):
    KEY = ATTEMPT_KEY
    SECONDS = ATTEMPT_SECONDS

    username: str
    user_id: int | None
    password_ok: bool
    # The user's session auth hash when the password was checked: a password changed in
    # between (a reset by the local data administrator) voids the attempt.
    auth_hash: str
    positions: tuple[int, ...]
    started_at: float = field(default_factory=_now)
    next_url: str = ""
    # The account has no security code (first login, or reset by a local data administrator):
    # step 2 asks for no characters and says a new code is chosen next. Decided by the
    # account alone, never by the password, so the page tells nothing about the password.
    new_code: bool = False
    # The first factor was a single sign-on login at this provider (not a password): only a
    # second factor may complete it, never the security code (second_factors.py).
    sso_provider: str = ""

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> LoginAttempt:
        return cls(
            username=str(data["username"]),
            user_id=None if data["user_id"] is None else int(data["user_id"]),
            password_ok=data["password_ok"] is True,
            auth_hash=str(data["auth_hash"]),
            positions=tuple(int(p) for p in data["positions"]),
            started_at=float(data["started_at"]),
            next_url=str(data.get("next_url") or ""),
            new_code=data.get("new_code") is True,
            sso_provider=str(data.get("sso_provider") or ""),
        )


@dataclass
class AccountSetup(_SessionState):
    KEY = SETUP_KEY
    SECONDS = SETUP_SECONDS

    user_id: int
    auth_hash: str
    steps: list[str]
    started_at: float = field(default_factory=_now)
    next_url: str = ""

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> AccountSetup:
        steps = [str(step) for step in data["steps"]]
        if not set(steps) <= {STEP_PASSWORD, STEP_SECURITY_CODE, STEP_SECOND_FACTOR}:
            raise ValueError(steps)
        return cls(
            user_id=int(data["user_id"]),
            auth_hash=str(data["auth_hash"]),
            steps=steps,
            started_at=float(data["started_at"]),
            next_url=str(data.get("next_url") or ""),
        )

    @property
    def next_step(self) -> str | None:
        return self.steps[0] if self.steps else None
