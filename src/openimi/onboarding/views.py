"""Onboarding pages (Administration → Onboarding checklist, Rollout table) and Help.

The onboarding pages are for the local data administrators of the user's own authority
(``ONBOARDING`` is ``Action.USER_MANAGE``: whoever manages the users manages the table that
lists them). Help is for every user.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.accounts.users import selectors as user_selectors
from openimi.authorities import selectors as authority_selectors
from openimi.common.errors import ApplicationError
from openimi.onboarding import checklist, importers, selectors, services
from openimi.onboarding.forms import ChecklistTickForm, RolloutImportForm, RolloutUploadForm
from openimi.retention.models import Lifecycle
from openimi.retention.schedule import lifecycle_for

ONBOARDING = Action.USER_MANAGE
_SIGNING_SALT = "openimi.onboarding.rollout"


class _OwnAuthorityMixin(PolicyRequiredMixin):
    action = ONBOARDING

    def get_policy_object(self):
        return self.request.user.authority


class ChecklistView(_OwnAuthorityMixin, TemplateView):
    template_name = "onboarding/checklist.html"

    def get_context_data(self, **kwargs):
        items = checklist.checklist(user=self.request.user, authority=self.policy_object)
        done, total = checklist.summary(items)
        return super().get_context_data(items=items, done=done, total=total, **kwargs)


class ChecklistTickView(_OwnAuthorityMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ChecklistTickForm(request.POST)
        if form.is_valid():
            try:
                services.checklist_tick(
                    actor=request.user,
                    authority=self.policy_object,
                    item=form.cleaned_data["item"],
                    done=form.cleaned_data["done"],
                )
            except ApplicationError as refused:
                messages.error(request, refused.message)
        return redirect("onboarding:checklist")


class RolloutView(_OwnAuthorityMixin, FormView):
    """The table as saved, the upload, and (after an upload) the preview of the file."""

    template_name = "onboarding/rollout.html"
    form_class = RolloutUploadForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            rows = importers.read_table(name=upload.name, content=upload.read())
        except ApplicationError as unreadable:
            form.add_error("file", unreadable.message)
            return self.form_invalid(form)
        rows = selectors.rollout_check(authority=self.policy_object, rows=rows)
        problems = sum(len(row.problems) for row in rows)
        warned = sum(1 for row in rows if row.warnings)
        signed = signing.dumps(services.parsed_as_dicts(rows), salt=_SIGNING_SALT, compress=True)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                preview=rows,
                preview_problems=problems,
                preview_warned=warned,
                import_form=RolloutImportForm(initial={"rows": signed}),
                file_name=upload.name,
            )
        )

    def get_context_data(self, **kwargs):
        authority = self.policy_object
        return super().get_context_data(
            plan=selectors.rollout_plan_get(authority=authority),
            rows=list(selectors.rollout_row_list(authority=authority)),
            headers=selectors.export_headers(),
            **kwargs,
        )


class RolloutImportView(_OwnAuthorityMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RolloutImportForm(request.POST)
        try:
            if not form.is_valid():
                raise signing.BadSignature
            rows = signing.loads(form.cleaned_data["rows"], salt=_SIGNING_SALT, max_age=3600)
            plan = services.rollout_import(
                actor=request.user, authority=self.policy_object, rows=rows
            )
        except signing.BadSignature:
            messages.error(request, _("The preview has expired. Upload the file again."))
        except ApplicationError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                ngettext(
                    "The rollout table has been saved with %(count)s row.",
                    "The rollout table has been saved with %(count)s rows.",
                    plan.apply_total,
                )
                % {"count": plan.apply_total},
            )
        return redirect("onboarding:rollout")


class RolloutApplyView(_OwnAuthorityMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            result = services.rollout_apply(actor=request.user, authority=self.policy_object)
        except ApplicationError as refused:
            messages.error(request, refused.message)
            return redirect("onboarding:rollout")
        messages.success(
            request,
            _(
                "Users created: %(created)s. Users given more roles: %(updated)s. "
                "Already as in the table: %(unchanged)s."
            )
            % {
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
            },
        )
        for row, reason in result.failed:
            messages.error(
                request,
                _("%(name)s (%(email)s) was not created: %(reason)s")
                % {"name": row.name, "email": row.email, "reason": reason},
            )
        return redirect("onboarding:rollout")


class RolloutExportView(_OwnAuthorityMixin, View):
    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            selectors.rollout_export(authority=self.policy_object),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="rollout-table.xlsx"'
        return response


class HelpView(PolicyRequiredMixin, TemplateView):
    """The seed's Bijlage 1 (whom to contact) and Bijlage 2 (the basic rules)."""

    action = Action.VIEW_DIRECTORY  # every user who is logged in
    template_name = "help/index.html"

    def get_context_data(self, **kwargs):
        authority = self.request.user.authority
        administrators = (
            user_selectors.local_data_administrator_list(authority=authority)
            .only("first_name", "last_name", "email", "phone", "anonymised_at")
            .order_by("last_name", "first_name", "pk")
            if authority is not None
            else []
        )
        return super().get_context_data(
            administrators=administrators,
            coordinators=authority_selectors.coordinator_list(
                authority_id=self.request.user.authority_id
            ),
            helpdesk=selectors.helpdesk_contact_get(
                country_code=authority.country_id if authority is not None else None
            ),
            faq_pages=list(selectors.faq_page_list()),
            data_protection_answer=selectors.standard_answer_text(),
            retention=_retention_periods(),
            **kwargs,
        )


def _retention_periods() -> dict[str, int]:
    """When personal data goes, as the settings say for most areas ("*"): ``delete`` and,
    where data is blocked first, ``block``, each a number of months. The help page puts each
    number in its own sentence (``blocktranslate count``), so that every language declines it."""
    if lifecycle_for("*") == Lifecycle.BLOCK_THEN_DELETE:
        return {
            "block": settings.RETENTION_BLOCK_AFTER_MONTHS,
            "delete": settings.RETENTION_BLOCKED_DELETE_AFTER_MONTHS,
        }
    return {"delete": settings.RETENTION_DELETE_AFTER_MONTHS}
