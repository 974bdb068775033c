from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndexConfig(AppConfig):
    name = "hrmonitor.index"
    label = "index"
    verbose_name = _("Drug policy index")

    def ready(self) -> None:
        # Registers the "index.score" source of results-framework indicators.
        from hrmonitor.index import sources  # noqa: F401
