"""The network administrator's reference data pages, under /network/reference/."""

from django.urls import path

from openimi.network.views import reference as views

urlpatterns = [
    path("", views.AreaListView.as_view(), name="reference-areas"),
    path("areas/new/", views.AreaCreateView.as_view(), name="reference-area-create"),
    path("areas/<int:pk>/", views.AreaEditView.as_view(), name="reference-area"),
    path("areas/<int:pk>/delete/", views.AreaDeleteView.as_view(), name="reference-area-delete"),
    path(
        "areas/<int:pk>/keywords/new/",
        views.KeywordCreateView.as_view(),
        name="reference-keyword-create",
    ),
    path("keywords/<int:pk>/", views.KeywordEditView.as_view(), name="reference-keyword"),
    path(
        "keywords/<int:pk>/delete/",
        views.KeywordDeleteView.as_view(),
        name="reference-keyword-delete",
    ),
    path(
        "policy-areas/new/",
        views.PolicyAreaCreateView.as_view(),
        name="reference-policy-area-create",
    ),
    path(
        "policy-areas/<int:pk>/", views.PolicyAreaEditView.as_view(), name="reference-policy-area"
    ),
    path("question-sets/", views.QuestionSetListView.as_view(), name="reference-question-sets"),
    path(
        "question-sets/import/",
        views.QuestionSetImportView.as_view(),
        name="reference-question-set-import",
    ),
    path(
        "question-sets/<int:pk>/export.<str:kind>",
        views.QuestionSetExportView.as_view(),
        name="reference-question-set-export",
    ),
]
