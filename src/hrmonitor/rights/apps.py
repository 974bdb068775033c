from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "hrmonitor.rights"
    label = "rights"
    verbose_name = _("Human rights case documentation")

    def ready(self) -> None:
        # Registers the suppressed case count as a source of results-framework indicators.
        from hrmonitor.rights import sources  # noqa: F401
