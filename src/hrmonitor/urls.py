from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from hrmonitor.api import api

admin.site.site_header = _("hrmonitor administration")
admin.site.site_title = _("hrmonitor administration")

urlpatterns = [
    path("", include("hrmonitor.portal.urls")),
    path("", include("hrmonitor.core.urls")),
    path("framework/", include("hrmonitor.framework.urls")),
    path("index/", include("hrmonitor.index.urls")),
    path("policy/", include("hrmonitor.policy.urls")),
    path("monitoring/", include("hrmonitor.monitoring.urls")),
    path("rights/", include("hrmonitor.rights.urls")),
    path("clm/", include("hrmonitor.clm.urls")),
    path("openrosa/", include("hrmonitor.clm.urls_openrosa")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler403 = "hrmonitor.core.errors.permission_denied"
handler404 = "hrmonitor.core.errors.page_not_found"
handler500 = "hrmonitor.core.errors.server_error"
