from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClmConfig(AppConfig):
    name = "hrmonitor.clm"
    label = "clm"
    verbose_name = _("Community-led monitoring")

    def ready(self) -> None:
        # Registers the CLM sources of results-framework indicators and its job kinds.
        from hrmonitor.clm import intake_cache, sources, tasks  # noqa: F401

        intake_cache.connect()
