"""The coordinator's part in an authority's life, under /network/authorities/."""

from django.urls import path

from openimi.network.views import lifecycle as views

urlpatterns = [
    path("", views.AuthorityListView.as_view(), name="authority_list"),
    path("<int:pk>/", views.AuthorityManageView.as_view(), name="authority_manage"),
    path("<int:pk>/name/", views.OfficialNameView.as_view(), name="authority_official_name"),
    path("<int:pk>/areas/add/", views.AreaAddView.as_view(), name="authority_area_add"),
    path(
        "<int:pk>/areas/<slug:area>/coordinator/",
        views.AreaCoordinatorView.as_view(),
        name="authority_area_coordinator",
    ),
    path(
        "<int:pk>/areas/<slug:area>/remove/",
        views.AreaRemoveView.as_view(),
        name="authority_area_remove",
    ),
    path(
        "<int:pk>/administrators/<int:user>/reset/",
        views.AdministratorResetView.as_view(),
        name="authority_administrator_reset",
    ),
    path("<int:pk>/hand-over/", views.HandOverView.as_view(), name="authority_hand_over"),
    path("<int:pk>/deactivate/", views.DeactivateView.as_view(), name="authority_deactivate"),
    path("<int:pk>/merge/", views.MergeView.as_view(), name="authority_merge"),
]
