from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hrmonitor.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from hrmonitor.core.sqlite import install_unicode_like

        # Database plumbing, not business logic: Unicode-aware LIKE on SQLite connections.
        connection_created.connect(install_unicode_like, dispatch_uid="hrmonitor-unicode-like")
        # Every app's job kinds must be known to the worker and to job_start.
        autodiscover_modules("tasks")
