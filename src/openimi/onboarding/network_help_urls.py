"""Managing the help the network maintains, under /network/help/ (namespace "network")."""

from django.urls import path

from openimi.onboarding import help_views as views

urlpatterns = [
    path("contacts/", views.HelpdeskContactListView.as_view(), name="help_contacts"),
    path(
        "contacts/<str:country_code>/", views.HelpdeskContactEditView.as_view(), name="help_contact"
    ),
    path(
        "contacts/<str:country_code>/delete/",
        views.HelpdeskContactDeleteView.as_view(),
        name="help_contact_delete",
    ),
    path("faq/", views.FaqManageListView.as_view(), name="help_faq"),
    path("faq/add/", views.FaqCreateView.as_view(), name="help_faq_add"),
    path("faq/<int:pk>/", views.FaqManagePageView.as_view(), name="help_faq_page"),
    path("faq/<int:pk>/move/", views.FaqMoveView.as_view(), name="help_faq_move"),
    path("faq/<int:pk>/publish/", views.FaqPublishView.as_view(), name="help_faq_publish"),
    path("faq/<int:pk>/<str:language>/", views.FaqTextEditView.as_view(), name="help_faq_text"),
]
