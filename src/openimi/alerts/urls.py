"""The alert pages (issue 22), under /alerts/ (e-mails link to /alerts/<pk>/)."""

from django.urls import path

from openimi.alerts.views import detail, files, lists, steps, write

app_name = "alerts"

urlpatterns = [
    path("", lists.AlertListView.as_view(), name="list"),
    path("new/", write.KindChooseView.as_view(), name="create"),
    path("new/<slug:kind>/", write.AlertCreateView.as_view(), name="create_kind"),
    path("<int:pk>/", detail.AlertDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", write.AlertEditView.as_view(), name="edit"),
    path("<int:pk>/delete/", write.DraftDeleteView.as_view(), name="delete"),
    path("<int:pk>/documents/add/", write.AttachmentAddView.as_view(), name="attachment_add"),
    path(
        "<int:pk>/documents/<int:attachment_pk>/",
        files.AttachmentDownloadView.as_view(),
        name="download",
    ),
    path(
        "<int:pk>/documents/<int:attachment_pk>/remove/",
        write.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path(
        "<int:pk>/updates/<int:update_pk>/validate/",
        steps.UpdateDecisionView.as_view(validate=True),
        name="validate_update",
    ),
    path(
        "<int:pk>/updates/<int:update_pk>/return/",
        steps.UpdateDecisionView.as_view(validate=False),
        name="return_update",
    ),
    path("<int:pk>/distribute/", steps.DistributeView.as_view(), name="distribute"),
    *(
        path(
            f"<int:pk>/{step.name.replace('_', '-')}/",
            steps.StepView.as_view(step=step),
            name=step.name,
        )
        for step in steps.STEPS
    ),
]
