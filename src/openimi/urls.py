from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from openimi.common import views as common_views

urlpatterns = [
    path("", common_views.HomeView.as_view(), name="home"),
    path("about/", common_views.AboutView.as_view(), name="about"),
    path("administration/", common_views.AdministrationView.as_view(), name="administration"),
    path("administration/users/", include("openimi.accounts.users.urls")),
    path("accounts/", include("openimi.accounts.urls")),
    path("", include("openimi.authorities.urls")),
    path("api/v1/", include("openimi.api.urls")),
    path("requests/", include("openimi.exchange.urls")),
    path("alerts/", include("openimi.alerts.urls")),
    path("reports/", include("openimi.reports.urls")),
    path("administration/onboarding/", include("openimi.onboarding.urls")),
    path("help/", include("openimi.onboarding.help_urls")),
    path("administration/emails/", include("openimi.notifications.urls")),
    path("monitoring/", include("openimi.monitoring.urls")),
    # Choosing a language must work before logging in, too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("administration/privacy/", include("openimi.privacy.urls")),
    path("network/", include("openimi.network.urls")),
    # For load balancers and Prometheus: /health/live/, /health/ready/, /metrics/.
    path("", include("openimi.observability.urls")),
]

# The floor of the benchmarks (bench/run.py): one query behind the whole middleware stack.
from openimi.common.ping import PingView  # noqa: E402

urlpatterns += [path("ping/", PingView.as_view(), name="ping")]

# A failure answers in the visitor's language; a database outage with 503 (common/error_pages.py).
handler500 = "openimi.common.error_pages.server_error"
