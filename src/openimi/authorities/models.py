"""The directory: reference data (countries, languages, areas, keywords, sectors, policy areas)
and the authorities with their contact data, competences, preferences and translations."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from openimi.common.i18n import (
    TranslatedNameMixin,
    country_name,
    language_name,
    translated,
)
from openimi.common.models import TimeStampedModel
from openimi.common.text import fold


class Language(TranslatedNameMixin, models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    names = models.JSONField(_("names"), default=dict)
    native_name = models.CharField(_("native name"), max_length=60)
    is_eu_official = models.BooleanField(_("EU official language"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")

    @property
    def name(self) -> str:
        """The language's name in the reader's language, from CLDR (``names`` holds the same)."""
        return language_name(self.code, default=translated(self.names))


class Country(TranslatedNameMixin, models.Model):
    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    names = models.JSONField(_("names"), default=dict)
    phone_prefix = models.CharField(_("telephone prefix"), max_length=6)
    languages = models.ManyToManyField(Language, related_name="countries")
    is_eu_member = models.BooleanField(_("EU member state"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    @property
    def name(self) -> str:
        """The country's name in the reader's language, from CLDR (``names`` holds the same)."""
        return country_name(self.code, default=translated(self.names))


class LegislativeArea(TranslatedNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    names = models.JSONField(_("names"), default=dict)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("legislative area")


class Keyword(TranslatedNameMixin, models.Model):
    """A keyword of competence within a legislative area (seed: Trefwoorden)."""

    area = models.ForeignKey(LegislativeArea, on_delete=models.PROTECT, related_name="keywords")
    code = models.SlugField(_("code"), max_length=60)
    names = models.JSONField(_("names"), default=dict)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["area", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="keyword_code_unique_in_area")
        ]


class EconomicSector(TranslatedNameMixin, models.Model):
    """A NACE Rev. 2 section (letter) or division (two digits)."""

    class Level(models.TextChoices):
        SECTION = "section", _("section")
        DIVISION = "division", _("division")

    code = models.CharField(_("NACE code"), max_length=5, unique=True)
    level = models.CharField(max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    names = models.JSONField(_("names"), default=dict)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PolicyArea(TranslatedNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    names = models.JSONField(_("names"), default=dict)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]


class Authority(TimeStampedModel):
    """A competent authority or a coordinator (national, delegated per area or region)."""

    class Kind(models.TextChoices):
        COMPETENT_AUTHORITY = "ca", _("Competent authority")
        NATIONAL_COORDINATOR = "nimic", _("National IMI coordinator")
        SERVICES_COORDINATOR = "sdimic", _("Delegated IMI coordinator for services")
        DELEGATED_COORDINATOR = "dimic", _("Delegated IMI coordinator")

    COORDINATOR_KINDS = (
        Kind.NATIONAL_COORDINATOR,
        Kind.SERVICES_COORDINATOR,
        Kind.DELEGATED_COORDINATOR,
    )

    kind = models.CharField(
        _("kind of authority"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.COMPETENT_AUTHORITY,
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="authorities")
    official_name = models.CharField(_("official name"), max_length=300)
    # The source texts, in the authority's own language; AuthorityTranslation holds the others.
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    informal_title = models.CharField(_("informal title"), max_length=300)
    description = models.TextField(_("description of the authority"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    email = models.EmailField(_("general e-mail address"))
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    competent_in_all_areas = models.BooleanField(_("competent in all areas"), default=False)
    # The local data administrators' rule (issue 23): the seed's login alone (password and
    # three characters) no longer opens a session; an authenticator app or passkey is needed.
    second_factor_required = models.BooleanField(
        _("second factor required"), default=False, editable=False
    )
    economic_sectors = models.ManyToManyField(
        EconomicSector, blank=True, related_name="authorities", verbose_name=_("economic sectors")
    )
    policy_areas = models.ManyToManyField(
        PolicyArea, blank=True, related_name="authorities", verbose_name=_("policy areas")
    )
    legislative_areas = models.ManyToManyField(
        LegislativeArea,
        through="AreaPreferences",
        through_fields=("authority", "area"),
        related_name="authorities",
    )
    # An authority's life as its coordinator runs it (issue 19, ``openimi.network``): a
    # deactivated authority receives no request and is left out of the directory; one merged
    # into another (a municipal merger) is deactivated too, and the directory sends a search
    # for its name to the continuing authority.
    is_active = models.BooleanField(_("active"), default=True, editable=False)
    deactivated_at = models.DateTimeField(
        _("deactivated at"), null=True, blank=True, editable=False
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_authorities",
        editable=False,
        verbose_name=_("merged into"),
    )
    # The official name, informal title and description folded (common.text.fold) for the
    # directory's search, kept by save(); trigram-indexed on PostgreSQL (authorities 0003).
    search_text = models.TextField(default="", editable=False)

    SEARCHED_FIELDS = ("official_name", "informal_title", "description")

    class Meta:
        ordering = ["official_name"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        indexes = [models.Index(fields=["country", "kind"])]

    def __str__(self) -> str:
        return self.official_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        _fill_search_text(self, kwargs)
        super().save(*args, **kwargs)

    @property
    def is_coordinator(self) -> bool:
        return self.kind in self.COORDINATOR_KINDS

    def _translated(self, field: str, language: str) -> tuple[str, str]:
        """``field`` in ``language`` with the language it is really in: the source text
        where no translation exists. Reads ``translations`` through the prefetch cache."""
        if language != self.language_id:
            for item in self.translations.all():
                if item.language_id == language and getattr(item, field):
                    return getattr(item, field), language
        return getattr(self, field), self.language_id

    def title_for(self, language: str) -> tuple[str, str]:
        return self._translated("informal_title", language)

    def description_for(self, language: str) -> tuple[str, str]:
        return self._translated("description", language)


class AuthorityTranslation(TimeStampedModel):
    """The informal title and description in another language (tab "Translations").

    ``needs_translation`` is set for every language when the source text changes (the seed's
    "modified" box) and cleared when a translation for that language is saved.
    """

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="translations")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    informal_title = models.CharField(_("informal title"), max_length=300, blank=True)
    description = models.TextField(_("description of the authority"), blank=True)
    needs_translation = models.BooleanField(_("needs translation"), default=False)
    search_text = models.TextField(default="", editable=False)  # as Authority.search_text

    SEARCHED_FIELDS = ("informal_title", "description")

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "language"], name="one_translation_per_language"
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        _fill_search_text(self, kwargs)
        super().save(*args, **kwargs)


def search_text_of(*texts: str) -> str:
    """What ``search_text`` holds for these texts (the migration and the benchmark's data
    generator write it with this too)."""
    return fold(" ".join(text for text in texts if text))


def _fill_search_text(obj: "Authority | AuthorityTranslation", save_kwargs: dict) -> None:
    """Refresh ``search_text`` on every save that writes a text it is made of: every write
    path (services, the demo, the admin, factories) saves through here, so the search never
    needs to know who wrote."""
    fields = obj.SEARCHED_FIELDS
    if obj.get_deferred_fields() & set(fields):
        return  # a partial instance: its texts were not read, so not written either
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None:
        if not set(update_fields) & set(fields):
            return
        save_kwargs["update_fields"] = {*update_fields, "search_text"}
    obj.search_text = search_text_of(*(getattr(obj, name) for name in fields))


class AreaPreferences(TimeStampedModel):
    """What an authority does in one legislative area (tab "Preferences for ...").

    The first three information-request settings are set by the supervising coordinator; the
    last two by the authority's own local data administrators.
    """

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="preferences")
    area = models.ForeignKey(LegislativeArea, on_delete=models.PROTECT, related_name="+")
    keywords = models.ManyToManyField(Keyword, blank=True, related_name="preferences")
    supervising_coordinator = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_preferences",
        verbose_name=_("supervising coordinator"),
    )
    needs_coordinator_approval = models.BooleanField(
        _("Must this authority have its requests and answers approved by the coordinator?"),
        default=False,
    )
    may_reject = models.BooleanField(
        _("May this authority reject requests on behalf of its country in exceptional cases?"),
        default=False,
    )
    may_accept = models.BooleanField(
        _("May this authority accept requests?"),
        default=True,
    )
    uses_allocation = models.BooleanField(
        _("Does this authority work with allocation of requests to users?"),
        default=False,
    )
    coordinator_may_view_details = models.BooleanField(
        _("May the coordinator view all details of its requests when mediating?"),
        default=False,
    )

    class Meta:
        ordering = ["area__position"]
        verbose_name = _("preferences for a legislative area")
        verbose_name_plural = _("preferences for legislative areas")
        constraints = [
            models.UniqueConstraint(fields=["authority", "area"], name="one_preferences_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.authority} / {translated(self.area.names)}"
