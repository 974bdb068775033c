from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from hrmonitor.framework import selectors


def browser(request: HttpRequest) -> HttpResponse:
    """The framework: objectives > activities > indicators, with a search over indicators."""
    query = request.GET.get("q", "").strip()
    context = {
        "framework": selectors.framework_main(),
        "objectives": selectors.objectives_tree(),
        "query": query,
        "matches": selectors.indicators_search(query) if query else None,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "search-results":
        return render(request, "framework/_search_results.html", context)
    return render(request, "framework/browser.html", context)


def objective_detail(request: HttpRequest, code: str) -> HttpResponse:
    objective = selectors.objective_by_code(code)
    if objective is None:
        raise Http404
    return render(request, "framework/objective_detail.html", {"objective": objective})


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = selectors.indicator_by_code(code)
    if indicator is None:
        raise Http404
    return render(request, "framework/indicator_detail.html", {"indicator": indicator})
