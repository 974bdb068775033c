from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "hrmonitor.policy"
    label = "policy"
    verbose_name = _("Policy and funding tracker")

    def ready(self) -> None:
        # Registers the "policy.countries_with_status" source of results-framework indicators.
        from hrmonitor.policy import sources  # noqa: F401
