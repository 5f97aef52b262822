from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openimi.access import policy
from openimi.access.policy import Action


def navigation(request):
    """The main menu of the seed, with only the entries that exist and the user may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"main_menu": []}
    path = request.path
    items = [("home", _("Home"), reverse("home"))]
    if policy.can(user, Action.REQUEST_CREATE, None):
        items.append(("compose", _("Compose request"), reverse("exchange:compose")))
    items.append(("search", _("Search competent authority"), reverse("authorities:search")))
    if policy.can(user, Action.REQUEST_LIST, None):
        items.append(("requests", _("List of requests"), reverse("exchange:list")))
    if policy.can(user, Action.ALERT_LIST, None):
        # Alerts (issue 22): the one-to-many warnings, beside the requests.
        items.append(("alerts", _("Alerts"), reverse("alerts:list")))
    if policy.can(user, Action.VIEW_ADMINISTRATION, user.authority):
        items.append(("administration", _("Administration"), reverse("administration")))
    if policy.can(user, Action.NETWORK_VIEW, None):
        # Running the network (issue 19): registrations, authorities, areas, question sets.
        items.append(("network", _("Network"), reverse("network:home")))
    if policy.can(user, Action.NETWORK_MONITORING_VIEW, None):
        # The level up (every country, or a national coordinator's); it links the others.
        items.append(("monitoring", _("Monitoring"), reverse("monitoring:network")))
    elif policy.can(user, Action.MONITORING_COORDINATE, None):
        items.append(("monitoring", _("Monitoring"), reverse("monitoring:coordinator")))
    elif policy.can(user, Action.MONITORING_VIEW, user.authority):
        items.append(("monitoring", _("Monitoring"), reverse("monitoring:own")))
    items.append(("help", _("Help"), reverse("help:index")))
    # The most specific entry is the current one (/requests/new/ is Compose, not the list).
    matching = [url for key, _label, url in items if key != "home" and path.startswith(url)]
    current_url = max(matching, key=len) if matching else (path if path == "/" else None)
    menu = []
    for key, label, url in items:
        current = url == current_url
        menu.append({"key": key, "label": label, "url": url, "current": current})
    return {"main_menu": menu}
