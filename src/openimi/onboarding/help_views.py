"""Help that the network maintains (issue 19, item 7): the national helpdesks and the FAQ.

Reading is public (``login_not_required``): a person who cannot log in must find the FAQ and
their country's helpdesk, so those pages ask the policy nothing and show nothing personal.
Managing goes through the policy: ``Action.HELP_MANAGE`` with a country for its helpdesk
contact (the network administrator, or the local data administrators of that country's
national coordinator), without an object for the FAQ pages (the network administrator).
The writes are in ``onboarding.services``.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.authorities.models import Country
from openimi.common.errors import ApplicationError
from openimi.common.i18n import language_name, sorted_by_name
from openimi.onboarding import faq, selectors, services
from openimi.onboarding.forms import FaqPageCreateForm, FaqPageTextForm, HelpdeskContactForm
from openimi.onboarding.models import FaqPage

# --- Public pages ----------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class FaqListView(TemplateView):
    """Frequently asked questions, and every country's national helpdesk."""

    template_name = "help/faq_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        own = user.authority.country_id if user.is_authenticated and user.authority else None
        return super().get_context_data(
            pages=list(selectors.faq_page_list()),
            contacts=selectors.helpdesk_contact_list(),
            own_country=own,
            **kwargs,
        )


@method_decorator(login_not_required, name="dispatch")
class FaqPageView(TemplateView):
    """One FAQ page in the reader's language, or in English where it has no translation."""

    template_name = "help/faq_page.html"

    def get_context_data(self, **kwargs):
        page = selectors.faq_page_get(slug=self.kwargs["slug"])
        if page is None:
            raise Http404
        return super().get_context_data(page=page, paragraphs=faq.paragraphs(page.body), **kwargs)


# --- Helpdesk contacts -----------------------------------------------------------------------


def _own_country(user) -> Country | None:
    return user.authority.country if user.is_authenticated and user.authority else None


class HelpdeskContactListView(PolicyRequiredMixin, TemplateView):
    """The network administrator: every country; a national coordinator's local data
    administrator: its own country."""

    action = Action.HELP_MANAGE
    template_name = "help/manage/contact_list.html"

    def get_policy_object(self):
        if policy.can(self.request.user, Action.HELP_MANAGE, None):
            return None
        return _own_country(self.request.user)

    def get_context_data(self, **kwargs):
        codes = None if self.policy_object is None else [self.policy_object.pk]
        return super().get_context_data(
            countries=selectors.helpdesk_country_list(country_codes=codes), **kwargs
        )


class _CountryMixin(PolicyRequiredMixin):
    action = Action.HELP_MANAGE

    def get_policy_object(self):
        return get_object_or_404(Country, pk=self.kwargs["country_code"].upper())


class HelpdeskContactEditView(_CountryMixin, FormView):
    template_name = "help/manage/contact_edit.html"
    form_class = HelpdeskContactForm

    @cached_property
    def contact(self):
        return selectors.helpdesk_contact_get(country_code=self.policy_object.pk)

    def languages(self) -> list[tuple[str, str]]:
        interface = dict(settings.LANGUAGES)
        own = sorted(
            code
            for code in self.policy_object.languages.values_list("code", flat=True)
            if code in interface and code != "en"
        )
        return [(code, language_name(code)) for code in ["en", *own]]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "languages": self.languages()}

    def get_initial(self):
        contact = self.contact
        if contact is None:
            return {}
        initial = {"email": contact.email, "phone": contact.phone, "website": contact.website}
        for code, _name in self.languages():
            initial[f"name_{code}"] = contact.names.get(code, "")
            initial[f"note_{code}"] = contact.notes.get(code, "")
        return initial

    def form_valid(self, form):
        try:
            services.helpdesk_contact_save(
                actor=self.request.user,
                country=self.policy_object,
                names=form.texts("name"),
                notes=form.texts("note"),
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                website=form.cleaned_data["website"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The helpdesk of %(country)s has been saved.") % {"country": self.policy_object.name},
        )
        return redirect("network:help_contacts")

    def get_context_data(self, **kwargs):
        return super().get_context_data(country=self.policy_object, contact=self.contact, **kwargs)


class HelpdeskContactDeleteView(_CountryMixin, TemplateView):
    template_name = "help/manage/contact_delete.html"

    def get_context_data(self, **kwargs):
        contact = selectors.helpdesk_contact_get(country_code=self.policy_object.pk)
        if contact is None:
            raise Http404
        return super().get_context_data(country=self.policy_object, contact=contact, **kwargs)

    def post(self, request, *args, **kwargs):
        services.helpdesk_contact_delete(actor=request.user, country=self.policy_object)
        messages.success(
            request,
            _("The helpdesk of %(country)s has been removed.")
            % {"country": self.policy_object.name},
        )
        return redirect("network:help_contacts")


# --- FAQ pages -------------------------------------------------------------------------------


class _FaqMixin(PolicyRequiredMixin):
    action = Action.HELP_MANAGE

    @cached_property
    def faq_page(self) -> FaqPage:
        # Looked up after the policy (the mixin's dispatch): nobody else learns what exists.
        return get_object_or_404(FaqPage, pk=self.kwargs["pk"])


class FaqManageListView(_FaqMixin, TemplateView):
    template_name = "help/manage/faq_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pages=list(selectors.faq_page_list(published_only=False)), **kwargs
        )


class FaqCreateView(_FaqMixin, FormView):
    template_name = "help/manage/faq_create.html"
    form_class = FaqPageCreateForm

    def form_valid(self, form):
        try:
            page = services.faq_page_create(actor=self.request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "The FAQ page has been added. It is not published yet: add translations, then "
                "publish it."
            ),
        )
        return redirect("network:help_faq_page", pk=page.pk)


class FaqManagePageView(_FaqMixin, TemplateView):
    """One page: its text, its translations and their status, publishing."""

    template_name = "help/manage/faq_page.html"

    def get_context_data(self, **kwargs):
        page = self.faq_page
        english = page.revised.get("en", "")
        rows = []
        for code, _name in settings.LANGUAGES:
            if code not in page.titles:
                status = "missing"
            elif code != "en" and english and page.revised.get(code, "") < english:
                status = "outdated"
            else:
                status = "done"
            rows.append({"code": code, "name": language_name(code), "status": status})
        # English (the source) first, then the other languages by name.
        rows = [row for row in rows if row["code"] == "en"] + sorted_by_name(
            (row for row in rows if row["code"] != "en"), lambda row: row["name"]
        )
        translated = sum(1 for row in rows if row["status"] == "done")
        return super().get_context_data(
            page=page,
            rows=rows,
            translated=translated,
            total=len(rows),
            english_title=page.titles.get("en", ""),
            paragraphs=faq.paragraphs(page.bodies.get("en", "")),
            **kwargs,
        )


class FaqTextEditView(_FaqMixin, FormView):
    template_name = "help/manage/faq_text.html"
    form_class = FaqPageTextForm

    def get_language(self) -> str:
        language = self.kwargs["language"]
        if language not in dict(settings.LANGUAGES):
            raise Http404
        return language

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "language": self.get_language()}

    def get_initial(self):
        page, language = self.faq_page, self.get_language()
        initial = {"title": page.titles.get(language, ""), "body": page.bodies.get(language, "")}
        if language == "en":
            initial["slug"] = page.slug
        return initial

    def form_valid(self, form):
        language = self.get_language()
        try:
            services.faq_page_text_save(
                actor=self.request.user,
                faq_page=self.faq_page,
                language=language,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                slug=form.cleaned_data.get("slug", ""),
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The text in %(language)s has been saved.") % {"language": language_name(language)},
        )
        return redirect("network:help_faq_page", pk=self.faq_page.pk)

    def get_context_data(self, **kwargs):
        language = self.get_language()
        page = self.faq_page
        return super().get_context_data(
            page=page,
            language=language,
            language_label=language_name(language),
            source_title=page.titles.get("en", "") if language != "en" else "",
            source_paragraphs=faq.paragraphs(page.bodies.get("en", "")) if language != "en" else [],
            **kwargs,
        )


class FaqMoveView(_FaqMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.faq_page_move(
            actor=request.user, faq_page=self.faq_page, up=request.POST.get("direction") == "up"
        )
        messages.success(
            request,
            _("“%(title)s” has been moved.") % {"title": self.faq_page.titles.get("en", "")},
        )
        return redirect(reverse("network:help_faq") + f"#faq-{self.faq_page.pk}")


class FaqPublishView(_FaqMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        published = request.POST.get("published") == "1"
        services.faq_page_publish(actor=request.user, faq_page=self.faq_page, published=published)
        title = self.faq_page.titles.get("en", "")
        messages.success(
            request,
            _("“%(title)s” is now published: everyone can read it.") % {"title": title}
            if published
            else _("“%(title)s” is no longer published.") % {"title": title},
        )
        return redirect("network:help_faq_page", pk=self.faq_page.pk)
