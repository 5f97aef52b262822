"""Administration → E-mails not delivered; included at ``administration/emails/``."""

from django.urls import path

from openimi.notifications import views

app_name = "notifications"

urlpatterns = [
    path("failed/", views.FailedOutboxListView.as_view(), name="failed"),
    path("failed/<int:pk>/resend/", views.FailedOutboxResendView.as_view(), name="resend"),
]
