"""The one check every typed text passes: no invisible control characters.

Text pasted from a PDF or a terminal can carry C0 control characters (form feed, bell,
escape, …). They mean nothing to a reader, and XML (the Word and PDF reports) cannot hold
them. Every text field of every form (``openimi.common.forms``) and of every API serializer
(``openimi.api.serializers.common``) refuses them, with an error at the field. Tab, line feed
and carriage return stay allowed: browsers send a textarea's line breaks as CR LF.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_control_characters(text: str) -> str:
    """``text`` without the characters the validator refuses (for names not typed by hand)."""
    return CONTROL_CHARACTERS.sub("", text)


@deconstructible
class ProhibitControlCharactersValidator:
    """Refuses C0 control characters other than tab, line feed and carriage return.

    Not a ``RegexValidator`` on purpose: the API schema would show its pattern on every
    text field.
    """

    message = _(
        "This text contains an invisible control character, often copied along from a PDF. "
        "Remove it, or type the text again."
    )
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, ProhibitControlCharactersValidator)

    def __hash__(self) -> int:
        return hash(self.code)


prohibit_control_characters = ProhibitControlCharactersValidator()


def refuses_control_characters(validators: list) -> bool:
    return any(isinstance(v, ProhibitControlCharactersValidator) for v in validators)
