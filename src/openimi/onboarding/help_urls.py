"""Help (the seed's Bijlage 1 and 2) and the public FAQ; included at ``help/`` (app "help")."""

from django.urls import path

from openimi.onboarding import help_views, views

app_name = "help"

urlpatterns = [
    path("", views.HelpView.as_view(), name="index"),
    path("faq/", help_views.FaqListView.as_view(), name="faq"),
    path("faq/<slug:slug>/", help_views.FaqPageView.as_view(), name="faq_page"),
]
