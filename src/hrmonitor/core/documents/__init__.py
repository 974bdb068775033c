"""Report documents: one neutral document model, two renderers.

Modules that publish a report (the drug-policy change report, the Secretariat progress
report, ...) describe it once as a `Document`: a title and a list of blocks (`Heading`,
`Paragraph`, `BulletList`, `Table`, `BarChart`). The model is plain dataclasses holding
plain strings and numbers: no Django, no formatting decisions beyond a few named styles.
Numbers in tables arrive already formatted for the report's language.

Two renderers turn the same `Document` into a file:

* `render_docx(doc)`: Word, through python-docx (editable by the Secretariat);
* `render_pdf(doc)`: PDF, through the Django template `core/document.html` and WeasyPrint.

Charts are drawn by matplotlib (Agg, no pyplot state), as PNG for Word and SVG for the PDF,
with the DejaVu Sans font matplotlib ships, so Cyrillic labels render on any machine.

All text is treated as user-entered: the PDF template escapes it and nothing is marked safe.
Rendering fetches nothing from the network.
"""

from hrmonitor.core.documents.charts import chart_png, chart_svg
from hrmonitor.core.documents.docx_renderer import render_docx
from hrmonitor.core.documents.model import (
    BarChart,
    Block,
    BulletList,
    Document,
    DocumentRenderError,
    Heading,
    Paragraph,
    Table,
)
from hrmonitor.core.documents.pdf_renderer import render_pdf

__all__ = [
    "BarChart",
    "Block",
    "BulletList",
    "Document",
    "DocumentRenderError",
    "Heading",
    "Paragraph",
    "Table",
    "chart_png",
    "chart_svg",
    "render_docx",
    "render_pdf",
]
