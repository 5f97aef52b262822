"""Help (the seed's Bijlage 1 and 2); included at ``help/`` (app "help")."""

from django.urls import path

from openimi.onboarding import views

app_name = "help"

urlpatterns = [path("", views.HelpView.as_view(), name="index")]
