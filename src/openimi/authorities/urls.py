from django.urls import path

from openimi.authorities import views

app_name = "authorities"

urlpatterns = [
    path("", views.AuthoritySearchView.as_view(), name="search"),
    path("<int:pk>/", views.AuthorityDetailView.as_view(), name="detail"),
    path(
        "preferences/<int:pk>/coordinator-settings/",
        views.EditCoordinatorSettingsView.as_view(),
        name="edit_coordinator_settings",
    ),
    path("own/", views.ManageAuthorityView.as_view(), name="manage"),
    path("own/authority/", views.EditContactView.as_view(), name="edit_contact"),
    path("own/competences/", views.EditCompetencesView.as_view(), name="edit_competences"),
    path(
        "own/preferences/<slug:area>/",
        views.EditPreferencesView.as_view(),
        name="edit_preferences",
    ),
    path(
        "own/translations/<str:language>/",
        views.EditTranslationView.as_view(),
        name="edit_translation",
    ),
]
