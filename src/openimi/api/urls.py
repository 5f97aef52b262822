"""The REST API, mounted at /api/v1/ (see docs/openapi.yaml)."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import path, re_path, register_converter
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView

from openimi.api.views import (
    alerts,
    directory,
    documents,
    network,
    question_sets,
    requests,
    tokens,
    users,
)
from openimi.api.views.transitions import STEPS, transition_view

app_name = "api"


class IdConverter:
    """A row id: digits, few enough for any database integer (a longer one is simply 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")


@csrf_exempt  # a POST to a wrong path is a 404 too, not a CSRF failure
@login_not_required
def not_found(request, *args, **kwargs):
    """Any other path under the API: a 404 in the API's error shape, never an HTML page."""
    detail = _("Not found.")
    return JsonResponse(
        {"detail": detail, "field": None, "errors": [{"field": None, "detail": detail}]},
        status=404,
    )


urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/",
        login_not_required(TemplateView.as_view(template_name="api/docs.html")),
        name="docs",
    ),
    path("authorities/", directory.AuthorityListView.as_view(), name="authorities"),
    path("authorities/<id:pk>/", directory.AuthorityDetailView.as_view(), name="authority-detail"),
    path("authority/", directory.OwnAuthorityView.as_view(), name="own-authority"),
    path("question-sets/", question_sets.QuestionSetListView.as_view(), name="question-sets"),
    path(
        "question-sets/<id:pk>/",
        question_sets.QuestionSetDetailView.as_view(),
        name="question-set-detail",
    ),
    # Running the network (issue 19): reference data and question set versions.
    path("legislative-areas/", network.AreaListView.as_view(), name="legislative-areas"),
    path(
        "legislative-areas/<id:pk>/",
        network.AreaDetailView.as_view(),
        name="legislative-area-detail",
    ),
    path(
        "legislative-areas/<id:pk>/keywords/",
        network.KeywordListView.as_view(),
        name="legislative-area-keywords",
    ),
    path("keywords/<id:pk>/", network.KeywordDetailView.as_view(), name="keyword-detail"),
    path("policy-areas/", network.PolicyAreaListView.as_view(), name="policy-areas"),
    path(
        "question-sets/import/",
        network.QuestionSetImportView.as_view(),
        name="question-set-import",
    ),
    path(
        "question-sets/<id:pk>/file/",
        network.QuestionSetFileView.as_view(),
        name="question-set-file",
    ),
    path(
        "question-sets/<id:pk>/publish/",
        network.QuestionSetPublishView.as_view(),
        name="question-set-publish",
    ),
    path(
        "question-sets/<id:pk>/new-version/",
        network.QuestionSetNewVersionView.as_view(),
        name="question-set-new-version",
    ),
    path("requests/", requests.RequestListView.as_view(), name="requests"),
    path("requests/<id:pk>/", requests.RequestDetailView.as_view(), name="request-detail"),
    path(
        "requests/<id:pk>/personal-data/",
        requests.PersonalDataView.as_view(),
        name="request-personal-data",
    ),
    path(
        "requests/<id:pk>/questions/<id:question_pk>/answer/",
        requests.AnswerView.as_view(),
        name="request-answer",
    ),
    path(
        "requests/<id:pk>/allocation-candidates/",
        requests.AllocationCandidatesView.as_view(),
        name="request-allocation-candidates",
    ),
    path("requests/<id:pk>/timeline/", requests.TimelineView.as_view(), name="request-timeline"),
    path(
        "requests/<id:pk>/documents/",
        documents.DocumentListView.as_view(),
        name="request-documents",
    ),
    path(
        "requests/<id:pk>/documents/<id:document_pk>/",
        documents.DocumentDetailView.as_view(),
        name="request-document",
    ),
    *(
        path(
            f"requests/<id:pk>/{step.path}/",
            transition_view(step).as_view(),
            name=f"request-{step.path}",
        )
        for step in STEPS
    ),
    # Alerts (issue 22).
    path("alerts/", alerts.AlertListView.as_view(), name="alerts"),
    path("alerts/<id:pk>/", alerts.AlertDetailView.as_view(), name="alert-detail"),
    *(
        path(
            f"alerts/<id:pk>/{step.path}/",
            alerts.alert_transition_view(step).as_view(),
            name=f"alert-{step.path}",
        )
        for step in alerts.STEPS
    ),
    path(
        "alerts/<id:pk>/updates/<id:update_pk>/validate/",
        alerts.UpdateValidateView.as_view(),
        name="alert-update-validate",
    ),
    path(
        "alerts/<id:pk>/updates/<id:update_pk>/return/",
        alerts.UpdateReturnView.as_view(),
        name="alert-update-return",
    ),
    path(
        "alerts/<id:pk>/countries/<str:country>/acknowledge/",
        alerts.AcknowledgeView.as_view(),
        name="alert-acknowledge",
    ),
    path(
        "alerts/<id:pk>/countries/<str:country>/distribute/",
        alerts.DistributeView.as_view(),
        name="alert-distribute",
    ),
    path("tokens/", tokens.TokenListView.as_view(), name="tokens"),
    path("tokens/<id:pk>/", tokens.TokenDetailView.as_view(), name="token-detail"),
    path("webhooks/", tokens.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<id:pk>/", tokens.WebhookDetailView.as_view(), name="webhook-detail"),
    path(
        "webhooks/<id:pk>/deliveries/",
        tokens.WebhookDeliveryListView.as_view(),
        name="webhook-deliveries",
    ),
    path("users/", users.UserListView.as_view(), name="users"),
    path("users/<id:pk>/", users.UserDetailView.as_view(), name="user-detail"),
    path("users/<id:pk>/roles/", users.UserRolesView.as_view(), name="user-roles"),
    path(
        "users/<id:pk>/reset-password/",
        users.UserResetPasswordView.as_view(),
        name="user-reset-password",
    ),
    re_path(r"^.*$", not_found),
]
