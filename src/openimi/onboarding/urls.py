"""Onboarding pages; included at ``administration/onboarding/`` (app "onboarding")."""

from django.urls import path

from openimi.onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.ChecklistView.as_view(), name="checklist"),
    path("tick/", views.ChecklistTickView.as_view(), name="tick"),
    path("rollout-table/", views.RolloutView.as_view(), name="rollout"),
    path("rollout-table/import/", views.RolloutImportView.as_view(), name="rollout_import"),
    path("rollout-table/create-users/", views.RolloutApplyView.as_view(), name="rollout_apply"),
    path("rollout-table/export.xlsx", views.RolloutExportView.as_view(), name="rollout_export"),
]
