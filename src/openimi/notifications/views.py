"""Administration → E-mails not delivered: the authority's failed deliveries and a resend."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.notifications import selectors
from openimi.notifications.services import outbox_resend

PAGE_SIZE = 50


class FailedOutboxListView(PolicyRequiredMixin, TemplateView):
    action = Action.OUTBOX_VIEW_FAILED
    template_name = "notifications/failed_list.html"

    def get_policy_object(self):
        return self.request.user.authority

    def get_context_data(self, **kwargs):
        paginator = Paginator(selectors.failed_outbox_list(user=self.request.user), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page, failed=list(page.object_list), authority=self.policy_object, **kwargs
        )


class FailedOutboxResendView(PolicyRequiredMixin, View):
    """POST only: queue the e-mail again and go back to the list."""

    action = Action.OUTBOX_RESEND
    http_method_names = ["post"]

    def get_policy_object(self):
        return selectors.failed_outbox_get(user=self.request.user, pk=self.kwargs["pk"])

    def post(self, request, pk):
        message = self.policy_object
        try:
            outbox_resend(message=message, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The e-mail to %(recipient)s will be sent again.")
                % {"recipient": message.recipient_email},
            )
        return HttpResponseRedirect(reverse("notifications:failed"))
