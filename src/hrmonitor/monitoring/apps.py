from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "hrmonitor.monitoring"
    label = "monitoring"
    verbose_name = _("Project and process monitoring")

    def ready(self) -> None:
        # Registers the monitoring sources of results-framework indicators and its job kinds.
        from hrmonitor.monitoring import sources, tasks  # noqa: F401
