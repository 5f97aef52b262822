"""Pages of the directory: Search competent authority, an authority's page, and Manage
authority data (the seed's tabs, in view mode with a Change button per tab)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.authorities import selectors, services
from openimi.authorities.forms import (
    AreaPreferencesForm,
    AuthorityContactForm,
    AuthoritySearchForm,
    CompetencesForm,
    CoordinatorSettingsForm,
    SecondFactorRuleForm,
    TranslationForm,
)
from openimi.authorities.models import AreaPreferences, Authority, AuthorityTranslation, Language
from openimi.common.content_cache import ContentCacheMixin
from openimi.common.errors import ApplicationError
from openimi.common.i18n import current_language, sorted_by_name
from openimi.common.pagination import OnePassPaginator


class AuthoritySearchView(PolicyRequiredMixin, ContentCacheMixin, TemplateView):
    action = Action.VIEW_DIRECTORY
    template_name = "authorities/search.html"

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "search-results":
            return ["authorities/_search_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = selectors.search_choices()
        form = AuthoritySearchForm(self.request.GET or None, choices=choices)
        searched = form.is_bound and form.is_valid()
        page = None
        if searched:
            language = current_language()
            results = selectors.authority_search(
                search=form.to_search(), language=language, sectors=choices["sectors"]
            )
            page = OnePassPaginator(results, settings.SEARCH_PAGE_SIZE).get_page(
                self.request.GET.get("page")
            )
            for authority in page.object_list:
                authority.display_title, authority.display_title_lang = authority.title_for(
                    language
                )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(form=form, page=page, searched=searched, query=query.urlencode())
        return context


class AuthorityDetailView(PolicyRequiredMixin, TemplateView):
    action = Action.VIEW_DIRECTORY
    template_name = "authorities/detail.html"

    def get(self, request, *args, **kwargs):
        # A merged authority lives on as the one it merged into (issue 19): its page is that
        # one's, with a word saying why.
        merged = selectors.authority_merged_into_get(pk=self.kwargs["pk"])
        if merged is not None:
            old_name, continuing = merged
            messages.info(
                request,
                _("%(old)s has merged into %(new)s.")
                % {"old": old_name, "new": continuing.official_name},
            )
            return redirect("authorities:detail", continuing.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_authority_context(self.request, self.kwargs["pk"]))
        authority = context["authority"]
        context["editable_preferences"] = [
            preferences
            for preferences in authority.preferences.all()
            if policy.can(self.request.user, Action.CHANGE_COORDINATOR_SETTINGS, preferences)
        ]
        return context


def _authority_context(request, pk: int) -> dict:
    language = current_language()
    try:
        authority = selectors.authority_get(pk=pk, language=language)
    except Authority.DoesNotExist as missing:
        raise Http404 from missing
    title, title_lang = authority.title_for(language)
    description, description_lang = authority.description_for(language)
    return {
        "authority": authority,
        "title": title,
        "title_lang": title_lang,
        "description": description,
        "description_lang": description_lang,
        "language": language,
    }


class OwnAuthorityMixin(PolicyRequiredMixin):
    """Pages about the user's own authority, for its local data administrators only."""

    action = Action.CHANGE_AUTHORITY

    def get_policy_object(self):
        return self.request.user.authority


class ManageAuthorityView(OwnAuthorityMixin, TemplateView):
    template_name = "authorities/manage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_authority_context(self.request, self.policy_object.pk))
        authority = context["authority"]
        translations = {t.language_id: t for t in authority.translations.all()}
        context["translation_rows"] = [
            (language, translations.get(language.code))
            for language in sorted_by_name(
                Language.objects.filter(is_eu_official=True).exclude(pk=authority.language_id)
            )
        ]
        context["users"] = authority.users.filter(is_active=True).order_by(
            "last_name", "first_name"
        )
        return context


class ServiceFormView(FormView):
    """A form whose valid data goes to a service; an ApplicationError goes back to the form.

    Subclasses define ``perform(form)``, which calls the one service of the page.
    """

    success_message = ""

    def form_valid(self, form):
        try:
            self.perform(form)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class EditContactView(OwnAuthorityMixin, ServiceFormView):
    template_name = "authorities/edit.html"
    form_class = AuthorityContactForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.policy_object}

    def perform(self, form):
        self.success_message = _("The authority's data has been saved.")
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.authority_update_contact(
            authority=self.policy_object, actor=self.request.user, **data
        )

    def get_success_url(self):
        return reverse("authorities:manage") + "#authority"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Change the Authority tab"), tab="authority", **kwargs
        )


class EditSecondFactorRuleView(OwnAuthorityMixin, ServiceFormView):
    """Whether the authority's users must log in with a second factor (issue 23)."""

    template_name = "authorities/edit.html"
    form_class = SecondFactorRuleForm

    def get_initial(self):
        return {"second_factor_required": self.policy_object.second_factor_required}

    def perform(self, form):
        required = form.cleaned_data["second_factor_required"]
        self.success_message = (
            _("From now on, your users log in with a second factor.")
            if required
            else _("Your users may log in with their security code again.")
        )
        services.authority_second_factor_rule_set(
            authority=self.policy_object,
            actor=self.request.user,
            required=required,
            request=self.request,
        )

    def get_success_url(self):
        return reverse("authorities:manage") + "#authority"

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Login with a second factor"), **kwargs)


class EditCompetencesView(OwnAuthorityMixin, ServiceFormView):
    template_name = "authorities/edit.html"
    form_class = CompetencesForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.policy_object}

    def perform(self, form):
        self.success_message = _("The competences have been saved.")
        services.authority_update_competences(
            authority=self.policy_object,
            actor=self.request.user,
            competent_in_all_areas=form.cleaned_data["competent_in_all_areas"],
            economic_sectors=list(form.cleaned_data["economic_sectors"]),
            policy_areas=list(form.cleaned_data["policy_areas"]),
        )

    def get_success_url(self):
        return reverse("authorities:manage") + "#competences"

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Change the competences"), **kwargs)


class EditPreferencesView(PolicyRequiredMixin, ServiceFormView):
    action = Action.CHANGE_AREA_PREFERENCES
    template_name = "authorities/edit.html"
    form_class = AreaPreferencesForm

    def get_policy_object(self):
        authority = self.request.user.authority
        if authority is None:
            raise Http404
        return get_object_or_404(
            AreaPreferences.objects.select_related("area", "authority"),
            authority=authority,
            area__code=self.kwargs["area"],
        )

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "preferences": self.policy_object}
        if self._selecting_all():
            # Seed 6.4's [>>]: every keyword of the area ticked, the rest as the user left
            # it; saved only by Save.
            data = kwargs["data"].copy()
            keywords = selectors.keyword_list(area_id=self.policy_object.area_id)
            data.setlist("keywords", [str(keyword.pk) for keyword in keywords])
            kwargs["data"] = data
        return kwargs

    def _selecting_all(self) -> bool:
        return self.request.method == "POST" and AreaPreferencesForm.SELECT_ALL in self.request.POST

    def post(self, request, *args, **kwargs):
        if self._selecting_all():
            return self.render_to_response(self.get_context_data(form=self.get_form()))
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        self.success_message = _("The preferences have been saved.")
        services.area_preferences_update(
            preferences=self.policy_object,
            actor=self.request.user,
            keywords=list(form.cleaned_data["keywords"]),
            uses_allocation=form.cleaned_data["uses_allocation"],
            coordinator_may_view_details=form.cleaned_data["coordinator_may_view_details"],
        )

    def get_success_url(self):
        return reverse("authorities:manage") + f"#preferences-{self.policy_object.area.code}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Change the preferences for %(area)s")
            % {"area": self.policy_object.area.name},
            preferences=self.policy_object,
            select_all_keywords=AreaPreferencesForm.SELECT_ALL,
            **kwargs,
        )


class EditTranslationView(OwnAuthorityMixin, ServiceFormView):
    template_name = "authorities/edit.html"
    form_class = TranslationForm

    def dispatch(self, request, *args, **kwargs):
        self.language = get_object_or_404(Language, pk=kwargs["language"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        instance = AuthorityTranslation.objects.filter(
            authority=self.policy_object, language=self.language
        ).first()
        return {**super().get_form_kwargs(), "instance": instance}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():  # the text is typed in that language (WCAG 3.1.2)
            field.widget.attrs["lang"] = self.language.pk
        return form

    def perform(self, form):
        self.success_message = _("The translation has been saved.")
        services.authority_translation_save(
            authority=self.policy_object,
            actor=self.request.user,
            language=self.language,
            informal_title=form.cleaned_data["informal_title"],
            description=form.cleaned_data["description"],
        )

    def get_success_url(self):
        return reverse("authorities:manage") + "#translations"

    def get_context_data(self, **kwargs):
        authority = self.policy_object
        return super().get_context_data(
            heading=_("Translation into %(language)s") % {"language": self.language.name},
            source_title=authority.informal_title,
            source_description=authority.description,
            source_lang=authority.language_id,
            **kwargs,
        )


class EditCoordinatorSettingsView(PolicyRequiredMixin, ServiceFormView):
    """The supervising coordinator sets the first three information-request settings."""

    action = Action.CHANGE_COORDINATOR_SETTINGS
    template_name = "authorities/edit.html"
    form_class = CoordinatorSettingsForm

    def get_policy_object(self):
        return get_object_or_404(
            AreaPreferences.objects.select_related("area", "authority", "supervising_coordinator"),
            pk=self.kwargs["pk"],
        )

    def get_initial(self):
        preferences = self.policy_object
        return {
            "needs_coordinator_approval": preferences.needs_coordinator_approval,
            "may_reject": preferences.may_reject,
            "may_accept": preferences.may_accept,
        }

    def perform(self, form):
        self.success_message = _("The settings have been saved.")
        services.area_preferences_update_by_coordinator(
            preferences=self.policy_object, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("authorities:detail", args=[self.policy_object.authority_id])

    def get_context_data(self, **kwargs):
        preferences = self.policy_object
        return super().get_context_data(
            heading=_("Information-request settings of %(authority)s for %(area)s")
            % {"authority": preferences.authority, "area": preferences.area.name},
            back_url=self.get_success_url(),
            **kwargs,
        )
