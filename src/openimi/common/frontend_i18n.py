"""GOV.UK Frontend's own texts in the reader's language, through our catalogues.

GOV.UK Frontend's JavaScript components write some texts themselves (the character count's
"You have 3 characters remaining"); it takes them as configuration, a plural text as one text
per CLDR plural category of the page's ``lang`` (``one``, ``few``, ``many``, ``other``…),
chosen in the browser with ``Intl.PluralRules``. Our catalogues hold each such text as a gettext
plural message, so translators translate it like any other. For each category the language
has (Babel knows them), the text is the catalogue's form for a number of that category.

``base.html`` writes ``frontend_config()`` as JSON; ``init.mjs`` passes it to ``initAll``.
The components openimi uses that write no text of their own (buttons, checkboxes, radios,
error summary, notification banners, service navigation, skip link, tabs) take theirs from
the templates, which translate them.
"""

from collections.abc import Callable

from babel import Locale, UnknownLocaleError
from django.utils.translation import gettext, ngettext

from openimi.common.i18n import current_language

# A number for each category that has none below a million, whatever the language: it picks the
# catalogue's form for large numbers (a count is an integer: Intl.PluralRules gives an integer a
# category that only decimals have, such as Czech "many", never).
_LARGE = 1_000_000
_SAMPLES = [*range(200), _LARGE]


def plural_categories(language: str) -> dict[str, int]:
    """Each CLDR plural category of ``language`` with a number that falls in it."""
    try:
        rule = Locale.parse(language.replace("-", "_")).plural_form
    except (UnknownLocaleError, ValueError):
        rule = Locale.parse("en").plural_form
    samples: dict[str, int] = {}
    for number in _SAMPLES:
        samples.setdefault(rule(number), number)
    return {category: samples.get(category, _LARGE) for category in [*rule.tags, "other"]}


def _plural(message: Callable[[int], str], language: str) -> dict[str, str]:
    """``message(n)`` (an ``ngettext`` call) for each plural category, with GOV.UK Frontend's
    ``%{count}`` for our ``%(count)s``."""
    return {
        category: message(number) % {"count": "%{count}"}
        for category, number in plural_categories(language).items()
    }


def frontend_config(language: str | None = None) -> dict:
    """The ``initAll`` configuration that gives the components their texts."""
    language = language or current_language()
    return {
        "characterCount": {
            "i18n": {
                "charactersUnderLimit": _plural(
                    lambda n: ngettext(
                        "You have %(count)s character remaining",
                        "You have %(count)s characters remaining",
                        n,
                    ),
                    language,
                ),
                "charactersAtLimit": gettext("You have 0 characters remaining"),
                "charactersOverLimit": _plural(
                    lambda n: ngettext(
                        "You have %(count)s character too many",
                        "You have %(count)s characters too many",
                        n,
                    ),
                    language,
                ),
                "wordsUnderLimit": _plural(
                    lambda n: ngettext(
                        "You have %(count)s word remaining", "You have %(count)s words remaining", n
                    ),
                    language,
                ),
                "wordsAtLimit": gettext("You have 0 words remaining"),
                "wordsOverLimit": _plural(
                    lambda n: ngettext(
                        "You have %(count)s word too many", "You have %(count)s words too many", n
                    ),
                    language,
                ),
                "textareaDescription": _plural(
                    lambda n: ngettext(
                        "You can enter up to %(count)s character",
                        "You can enter up to %(count)s characters",
                        n,
                    ),
                    language,
                ),
            }
        }
    }
