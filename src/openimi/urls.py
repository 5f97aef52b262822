from django.urls import include, path

from openimi.common import views as common_views

urlpatterns = [
    path("", common_views.HomeView.as_view(), name="home"),
    path("about/", common_views.AboutView.as_view(), name="about"),
    path("administration/", common_views.AdministrationView.as_view(), name="administration"),
    path("accounts/", include("openimi.accounts.urls")),
    path("authorities/", include("openimi.authorities.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
