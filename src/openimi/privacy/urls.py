from django.urls import path

from openimi.privacy import views

app_name = "privacy"

urlpatterns = [
    path("access-log/", views.AccessLogView.as_view(), name="access_log"),
    path("subjects/", views.SubjectSearchView.as_view(), name="subjects"),
    path("subjects/export/", views.SubjectExportView.as_view(), name="export"),
    path("subjects/<int:pk>/", views.SubjectRequestView.as_view(), name="subject_request"),
    path("subjects/<int:pk>/correct/", views.CorrectView.as_view(), name="correct"),
    path("subjects/<int:pk>/contest/", views.ContestView.as_view(), name="contest"),
    path(
        "subjects/<int:pk>/contest/remove/",
        views.ContestRemoveView.as_view(),
        name="contest_remove",
    ),
]
