from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "hrmonitor.policy"
    label = "policy"
    verbose_name = _("Policy and funding tracker")

    def ready(self) -> None:
        # Registers the tracker's sources of results-framework indicators and its job kinds.
        from hrmonitor.policy import sources, tasks  # noqa: F401
