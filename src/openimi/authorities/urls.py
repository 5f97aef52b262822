from django.urls import path

from openimi.authorities import views

app_name = "authorities"

# The directory lives under /authorities/; the own authority's data under /administration/,
# where the menu places it (Administration → Manage authority data).
urlpatterns = [
    path("authorities/", views.AuthoritySearchView.as_view(), name="search"),
    path("authorities/<int:pk>/", views.AuthorityDetailView.as_view(), name="detail"),
    path(
        "authorities/preferences/<int:pk>/coordinator-settings/",
        views.EditCoordinatorSettingsView.as_view(),
        name="edit_coordinator_settings",
    ),
    path("administration/authority/", views.ManageAuthorityView.as_view(), name="manage"),
    path("administration/authority/contact/", views.EditContactView.as_view(), name="edit_contact"),
    path(
        "administration/authority/second-factor/",
        views.EditSecondFactorRuleView.as_view(),
        name="edit_second_factor_rule",
    ),
    path(
        "administration/authority/competences/",
        views.EditCompetencesView.as_view(),
        name="edit_competences",
    ),
    path(
        "administration/authority/preferences/<slug:area>/",
        views.EditPreferencesView.as_view(),
        name="edit_preferences",
    ),
    path(
        "administration/authority/translations/<str:language>/",
        views.EditTranslationView.as_view(),
        name="edit_translation",
    ),
]
