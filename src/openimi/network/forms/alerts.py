"""Forms of the "Alert coordinators" page (``network.views.alert_coordinators``)."""

from django.utils.translation import gettext_lazy as _

from openimi.common.forms import Form
from openimi.network.forms.lifecycle import CoordinatorChoiceField


class AlertCoordinatorForm(Form):
    authority = CoordinatorChoiceField(
        label=_("Alert coordinator"),
        queryset=None,
        help_text=_(
            "One of the country's active coordinators. Its request handlers and supervisors "
            "for the area validate the country's alerts and receive the other countries'."
        ),
        error_messages={"required": _("Choose the authority that coordinates the alerts.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = candidates


class RemoveForm(Form):
    """A confirmation: the page says what removing means, the button does it."""
