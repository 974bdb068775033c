"""`Document` → PDF: HTML from the Django template `core/document.html`, laid out by WeasyPrint.

WeasyPrint is imported when a PDF is rendered: it needs Pango at import time, and a machine
without it should still start (and render Word files).
"""

from __future__ import annotations

import base64
import importlib
import logging
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from hrmonitor.core.documents.charts import chart_height_in, chart_svg
from hrmonitor.core.documents.model import (
    BarChart,
    Block,
    BulletList,
    Document,
    DocumentRenderError,
    Heading,
    Paragraph,
    Table,
    column_shares,
)

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
TEXT_WIDTH_PT = (210 - 2 * 20) / 25.4 * 72  # A4 less the template's margins
CHART_WIDTH_IN = 6.5  # about that width


def render_pdf(doc: Document) -> bytes:
    weasyprint = _weasyprint()
    fonts = _font_urls()
    html = render_to_string(
        "core/document.html",
        {
            "doc": doc,
            "blocks": [_html_block(block, doc.language) for block in doc.blocks],
            "fonts": fonts,
        },
    )
    fetcher = _local_fetcher(weasyprint, allowed=set(fonts.values()))
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf


def _weasyprint() -> Any:
    progress = logging.getLogger("weasyprint.progress")
    if progress.level == logging.NOTSET:  # unless LOGGING says otherwise: 12 INFO lines a PDF
        progress.setLevel(logging.WARNING)
    try:
        weasyprint = importlib.import_module("weasyprint")
    except OSError as error:  # cffi could not load a shared library
        raise DocumentRenderError(
            "PDF rendering needs the Pango libraries, which WeasyPrint could not load "
            f"({error}). On Debian/Ubuntu: apt-get install {PANGO_PACKAGES}"
        ) from error
    return weasyprint


def _local_fetcher(weasyprint: Any, allowed: set[str]) -> Any:
    """A URL fetcher that only opens data: URIs and the font files: no network, no other file."""

    class LocalFetcher(weasyprint.urls.URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:") or url in allowed:
                return super().fetch(url, headers)
            raise ValueError(f"Documents do not fetch {url[:80]}")

    return LocalFetcher()


@cache
def _font_urls() -> dict[str, str]:
    """file: URLs of the DejaVu Sans faces bundled with matplotlib (they cover Cyrillic)."""
    import matplotlib

    directory = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {
        "regular": "DejaVuSans.ttf",
        "bold": "DejaVuSans-Bold.ttf",
        "italic": "DejaVuSans-Oblique.ttf",
    }
    return {face: (directory / name).as_uri() for face, name in faces.items()}


def _html_block(block: Block, language: str) -> dict[str, Any]:
    """A block as the template reads it: a `kind` and plain values (the template escapes)."""
    match block:
        case Heading():
            level = min(max(block.level, 1), 4) + 1  # <h1> is the document title
            return {"kind": "heading", "level": level, "text": block.text}
        case Paragraph():
            return {"kind": "paragraph", "text": block.text, "style": block.style}
        case BulletList():
            return {"kind": "list", "items": block.items}
        case Table():
            return {
                "kind": "table",
                "caption": block.caption,
                "columns": _cells(block.columns, block.numeric),
                "widths": [f"{share * 100:.1f}%" for share in _table_shares(block)],
                "rows": [_cells(row, block.numeric) for row in block.rows],
            }
        case BarChart():
            svg = chart_svg(
                block, width_in=CHART_WIDTH_IN, height_in=chart_height_in(block), language=language
            )
            data = base64.b64encode(svg.encode()).decode("ascii")
            return {
                "kind": "chart",
                "title": block.title,
                "src": f"data:image/svg+xml;base64,{data}",
            }
    raise TypeError(f"Not a document block: {block!r}")


def _table_shares(table: Table) -> list[float]:
    # 8.5 pt DejaVu Sans: ~4.6 pt a Latin letter, ~5.4 a Cyrillic one; cells pad 3 pt a side.
    return column_shares(table, width_pt=TEXT_WIDTH_PT, char_pt=5.4, padding_pt=7)


def _cells(texts: list[str], numeric: set[int]) -> list[dict[str, Any]]:
    return [{"text": text, "numeric": index in numeric} for index, text in enumerate(texts)]
