from django import forms
from django.utils.translation import gettext_lazy as _

from openimi.authorities.models import (
    AreaPreferences,
    Authority,
    AuthorityTranslation,
    EconomicSector,
    Keyword,
    PolicyArea,
)
from openimi.authorities.selectors import AuthoritySearch
from openimi.authorities.services import CONTACT_FIELDS
from openimi.common.forms import Form, ModelForm
from openimi.common.i18n import sorted_by_name, translated

YES_NO = [(True, _("Yes")), (False, _("No"))]


def _yes_no_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
    )


class AuthoritySearchForm(Form):
    q = forms.CharField(
        label=_("Name, title or description"),
        required=False,
        max_length=200,
        help_text=_("In any language, for example 'Gemeente' or 'municipality'."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(label=_("Kind of authority"), required=False)
    area = forms.ChoiceField(label=_("Legislative area"), required=False)
    keyword = forms.TypedChoiceField(
        label=_("Keyword"), required=False, coerce=int, empty_value=None
    )
    sector = forms.ChoiceField(label=_("Economic sector (NACE)"), required=False)
    policy_area = forms.ChoiceField(label=_("Policy area"), required=False)

    COORDINATORS = "coordinators"

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Any"))]
        self.fields["country"].choices = any_choice + [
            (c.code, c.name) for c in sorted_by_name(choices["countries"])
        ]
        self.fields["kind"].choices = [
            *any_choice,
            (self.COORDINATORS, _("IMI coordinators (all kinds)")),
            *Authority.Kind.choices,
        ]
        self.fields["area"].choices = any_choice + [(a.code, a.name) for a in choices["areas"]]
        keywords_by_area: dict[str, list] = {}
        for keyword in choices["keywords"]:
            keywords_by_area.setdefault(translated(keyword.area.names), []).append(
                (keyword.pk, keyword.name)
            )
        self.fields["keyword"].choices = any_choice + list(keywords_by_area.items())
        self.fields["sector"].choices = any_choice + [
            (s.code, f"{s.code} – {s.name}" if s.level == "division" else f"{s.code} {s.name}")
            for s in choices["sectors"]
        ]
        self.fields["policy_area"].choices = any_choice + [
            (p.code, p.name) for p in choices["policy_areas"]
        ]

    def to_search(self) -> AuthoritySearch:
        data = self.cleaned_data
        kind = data.get("kind") or ""
        return AuthoritySearch(
            text=data.get("q") or "",
            country=data.get("country") or "",
            kind="" if kind == self.COORDINATORS else kind,
            coordinators_only=kind == self.COORDINATORS,
            area=data.get("area") or "",
            keyword=data.get("keyword"),
            sector=data.get("sector") or "",
            policy_area=data.get("policy_area") or "",
        )


class AuthorityContactForm(ModelForm):
    class Meta:
        model = Authority
        fields = CONTACT_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "informal_title": _(
                "Your name as authorities abroad will understand it: no abbreviations, and say "
                "what kind of authority you are (for example municipality, inspectorate)."
            ),
            "description": _(
                "In short, simple sentences: what your authority does and which questions "
                "other authorities can and cannot ask you."
            ),
            "email": _("Receives a copy of every e-mail openimi sends to your authority."),
        }


class CompetencesForm(ModelForm):
    class Meta:
        model = Authority
        fields = ("competent_in_all_areas", "economic_sectors", "policy_areas")
        widgets = {
            "economic_sectors": forms.CheckboxSelectMultiple(
                attrs={"class": "govuk-checkboxes--small"}
            ),
            "policy_areas": forms.CheckboxSelectMultiple(
                attrs={"class": "govuk-checkboxes--small"}
            ),
        }
        help_texts = {
            "competent_in_all_areas": _(
                "For a general authority, such as a municipality or a province."
            ),
            "economic_sectors": _("The NACE sectors your authority deals with."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["economic_sectors"].queryset = EconomicSector.objects.all()
        self.fields["economic_sectors"].label_from_instance = lambda s: str(s)
        self.fields["policy_areas"].queryset = PolicyArea.objects.all()


class AreaPreferencesForm(Form):
    keywords = forms.ModelMultipleChoiceField(
        label=_("Keywords"),
        queryset=Keyword.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        help_text=_(
            'Select the keywords for which your authority is competent. "Select all '
            'keywords" ticks every keyword of the area; nothing is saved until you save.'
        ),
    )
    uses_allocation = _yes_no_field(AreaPreferences._meta.get_field("uses_allocation").verbose_name)
    coordinator_may_view_details = _yes_no_field(
        AreaPreferences._meta.get_field("coordinator_may_view_details").verbose_name
    )

    SELECT_ALL = "select_all_keywords"

    def __init__(self, *args, preferences: AreaPreferences, **kwargs):
        # The stored values, under any initial the caller gives (a FormView passes {}).
        stored = {
            "keywords": list(preferences.keywords.all()),
            "uses_allocation": preferences.uses_allocation,
            "coordinator_may_view_details": preferences.coordinator_may_view_details,
        }
        kwargs["initial"] = {**stored, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        keywords = Keyword.objects.filter(area_id=preferences.area_id)
        self.fields["keywords"].queryset = keywords
        # Seed 6.4 marks the keywords required (*): an area with keywords needs at least one,
        # or no search by keyword would ever find the authority.
        self.fields["keywords"].required = keywords.exists()
        self.fields["keywords"].error_messages["required"] = _(
            "Select at least one keyword for which your authority is competent."
        )
        self.fields["uses_allocation"].help_text = _(
            "If you choose No, all request handlers can see every request of the authority. "
            "If you choose Yes, allocators allocate each request to handlers. Recommended "
            "only for large organisations with many users."
        )
        self.fields["coordinator_may_view_details"].help_text = _(
            "If you choose Yes, the coordinator sees which questions you asked and answered, "
            "so it can help you better. The coordinator never sees personal data."
        )


class CoordinatorSettingsForm(Form):
    needs_coordinator_approval = _yes_no_field(
        AreaPreferences._meta.get_field("needs_coordinator_approval").verbose_name
    )
    may_reject = _yes_no_field(AreaPreferences._meta.get_field("may_reject").verbose_name)
    may_accept = _yes_no_field(AreaPreferences._meta.get_field("may_accept").verbose_name)


class TranslationForm(ModelForm):
    class Meta:
        model = AuthorityTranslation
        fields = ("informal_title", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["informal_title"].required = True


class SecondFactorRuleForm(Form):
    second_factor_required = forms.BooleanField(
        label=_("Require a second factor for every user of the authority"),
        help_text=_(
            "Users then log in with their password and a code from an authenticator app, or a "
            "passkey; three characters of the security code are no longer enough. A user "
            "without an authenticator app adds one at the next login."
        ),
        required=False,
    )
