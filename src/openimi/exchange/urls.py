"""Information requests, mounted at ``/requests/`` (e-mails link to ``/requests/<pk>/``)."""

from django.urls import path

from openimi.exchange.selectors import OUTGOING
from openimi.exchange.views import answers, catalogue, compose, coordinator, detail, files, lists

app_name = "exchange"

urlpatterns = [
    path("", lists.RequestListView.as_view(), name="list"),
    path("outgoing/", lists.RequestListView.as_view(direction=OUTGOING), name="outgoing"),
    path(
        "coordinator/", coordinator.CoordinatorOverviewView.as_view(), name="coordinator_overview"
    ),
    path("new/", compose.ComposeStartView.as_view(), name="compose"),
    path("<int:pk>/", detail.RequestDetailView.as_view(), name="detail"),
    path("<int:pk>/compose/<slug:step>/", compose.ComposeStepView.as_view(), name="compose_step"),
    path("<int:pk>/delete-draft/", compose.DraftDeleteView.as_view(), name="delete_draft"),
    path("<int:pk>/mediate/", detail.MediationPostView.as_view(), name="mediate"),
    path("<int:pk>/take/", detail.TakeView.as_view(), name="take"),
    path("<int:pk>/answers/<int:question_pk>/", answers.AnswerView.as_view(), name="answer"),
    path(
        "<int:pk>/documents/<int:attachment_pk>/",
        files.AttachmentDownloadView.as_view(),
        name="download",
    ),
    *(
        path(
            f"<int:pk>/{step.name.replace('_', '-')}/",
            detail.TransitionView.as_view(step=step),
            name=step.name,
        )
        for step in detail.STEPS
    ),
]

# The question catalogue (issue 19): every user reads the published question sets per area.
urlpatterns += [
    path("catalogue/", catalogue.CatalogueIndexView.as_view(), name="catalogue"),
    path(
        "catalogue/<slug:area_code>/",
        catalogue.CatalogueAreaView.as_view(),
        name="catalogue_area",
    ),
]
