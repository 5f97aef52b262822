"""Report downloads; included at ``reports/`` (app "reports")."""

from django.urls import path

from openimi.reports import views

app_name = "reports"

urlpatterns = [
    path("requests/<int:pk>/full-report.docx", views.FullReportView.as_view(), name="full_report"),
    path(
        "requests/<int:pk>/full-report.pdf",
        views.FullReportView.as_view(as_pdf=True),
        name="full_report_pdf",
    ),
    path(
        "requests/<int:pk>/consent-statement.docx",
        views.ConsentStatementView.as_view(),
        name="consent_statement",
    ),
    path(
        "requests/<int:pk>/consent-statement.pdf",
        views.ConsentStatementView.as_view(as_pdf=True),
        name="consent_statement_pdf",
    ),
    path("users/<int:pk>/details.docx", views.UserDetailsView.as_view(), name="user_details"),
    path(
        "users/<int:pk>/details.pdf",
        views.UserDetailsView.as_view(as_pdf=True),
        name="user_details_pdf",
    ),
    path("alerts/<int:pk>/report.docx", views.AlertReportView.as_view(), name="alert"),
    path(
        "alerts/<int:pk>/report.pdf",
        views.AlertReportView.as_view(as_pdf=True),
        name="alert_pdf",
    ),
]
