"""The HTTP API at /api/v1 (django-ninja): OpenAPI 3.1 at /api/v1/openapi.json, docs at
/api/v1/docs. Reads of public reference data need no token; everything else takes a personal
token (`Authorization: Bearer hrm_…`, created on the account page). Errors are JSON
`{"detail": "…"}` in the request's language, declared per endpoint in the schema."""

from __future__ import annotations

from ninja import NinjaAPI

from hrmonitor.clm.api import router as clm_router
from hrmonitor.core.api import router as core_router
from hrmonitor.framework.api import router as framework_router
from hrmonitor.index.api import router as index_router
from hrmonitor.monitoring.api import router as monitoring_router
from hrmonitor.policy.api import router as policy_router
from hrmonitor.rights.api import router as rights_router

api = NinjaAPI(
    title="hrmonitor API",
    version="1",
    description="Monitoring & evaluation platform of a regional harm-reduction network.",
    urls_namespace="api-v1",
    docs_url="/docs",
)
api.add_router("", core_router)
api.add_router("/clm", clm_router)
api.add_router("/framework", framework_router)
api.add_router("/index", index_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/policy", policy_router)
api.add_router("/rights", rights_router)
