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
    items = [
        ("home", _("Home"), reverse("home")),
        ("search", _("Search competent authority"), reverse("authorities:search")),
    ]
    if policy.can(user, Action.VIEW_ADMINISTRATION, user.authority):
        items.append(("administration", _("Administration"), reverse("administration")))
    items.append(("about", _("About openimi"), reverse("about")))
    menu = []
    for key, label, url in items:
        current = path == url if key == "home" else path.startswith(url)
        menu.append({"key": key, "label": label, "url": url, "current": current})
    return {"main_menu": menu}
