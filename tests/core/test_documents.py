"""Report documents: one model rendered to Word and to PDF (no database)."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess

import docx
import pytest

from hrmonitor.core import documents
from hrmonitor.core.documents import (
    BarChart,
    BulletList,
    Document,
    DocumentRenderError,
    Heading,
    Paragraph,
    Table,
    chart_png,
    chart_svg,
    render_docx,
    render_pdf,
)
from hrmonitor.core.documents.model import column_shares

TITLE = "Изменения в наркополитике за 2025 год"
CHART = BarChart(
    title="Клиенты по услугам",
    categories=["Армения", "Кыргызстан", "Украина, включая временно оккупированные территории"],
    series=[("Иглы и шприцы", [120.0, None, 340.0]), ("ОЗТ", [40.0, 55.0, 90.5])],
    stacked=True,
    unit="человек",
)


def sample() -> Document:
    return Document(
        title=TITLE,
        subtitle="Секретариат сети",
        language="ru",
        footer="Сформировано hrmonitor 29.11.2026",
        blocks=[
            Heading("Обзор"),
            Paragraph("Опасный текст: <script>alert(1)</script> & <b>не жирный</b>"),
            Paragraph("Предварительные данные.", style="muted"),
            BulletList(["Декриминализация", "Налоксон без рецепта"]),
            Table(
                columns=["Страна", "Клиенты"],
                rows=[["Армения", "1 234"], ["Кыргызстан", "567"]],
                caption="Таблица 1",
                numeric={1},
            ),
            CHART,
        ],
    )


@pytest.fixture(scope="module")
def pdf_text() -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = render_pdf(sample())
    assert pdf.startswith(b"%PDF")
    return subprocess.run(  # noqa: S603 - a fixed command on our own bytes
        [pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_docx_has_the_russian_text_the_table_and_the_chart():
    word = docx.Document(io.BytesIO(render_docx(sample())))

    texts = [paragraph.text for paragraph in word.paragraphs]
    assert TITLE in texts
    assert "Обзор" in texts
    (table,) = word.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Страна", "Клиенты"],
        ["Армения", "1 234"],
        ["Кыргызстан", "567"],
    ]
    assert len(word.inline_shapes) == 1
    assert word.core_properties.title == TITLE
    assert word.core_properties.language == "ru"
    assert "Сформировано hrmonitor" in word.sections[0].footer.paragraphs[0].text


def test_docx_table_repeats_its_header_and_right_aligns_numbers():
    word = docx.Document(io.BytesIO(render_docx(sample())))
    (table,) = word.tables
    header = table.rows[0]._tr.trPr
    assert header.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    alignments = [cell.paragraphs[0].alignment for cell in table.rows[1].cells]
    assert alignments == [None, docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT]


def test_pdf_has_the_russian_title_and_the_table(pdf_text: str):
    assert TITLE in pdf_text
    assert "Кыргызстан" in pdf_text
    assert re.search(r"1\s*/\s*1", pdf_text)  # "page / pages" in the footer


def test_pdf_prints_markup_in_text_literally(pdf_text: str):
    assert "<script>alert(1)</script> & <b>не жирный</b>" in pdf_text


def test_chart_png_has_the_requested_size():
    png = chart_png(CHART, width_in=4, height_in=2, dpi=100)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (400, 200)


def test_charts_render_in_every_layout():
    many = [f"Country with a long name {n}" for n in range(30)]
    for chart in [
        BarChart("Grouped", ["A", "B"], [("x", [1.0, 2.0]), ("y", [None, 3.0])]),
        BarChart("Horizontal", ["A", "B"], [("", [1.0, None])], horizontal=True, unit="%"),
        BarChart("Crowded", many, [("x", [float(n) for n in range(30)])]),
        BarChart("Empty", [], []),
        BarChart("Costs in $ ($m)", ["$5", "_a"], [("_x", [1.0, 2.0]), ("$y$", [2.0, 1.0])]),
    ]:
        assert chart_svg(chart).lstrip().startswith("<?xml")


def test_table_columns_get_room_after_their_text():
    table = Table(
        columns=["Country", "Legal status", "%"],
        rows=[["Kyrgyzstan", "Possession is a criminal offence above the threshold", "12.5"]],
    )
    shares = column_shares(table, width_pt=480, char_pt=5, padding_pt=6)
    assert sum(shares) == pytest.approx(1)
    country, status, percent = shares
    assert status > country > percent
    assert country * 480 >= len("Kyrgyzstan") * 5 + 6  # the longest word is never broken


def test_blocks_check_their_shape():
    with pytest.raises(ValueError, match="row 1 has 1 cells, not 2"):
        Table(columns=["a", "b"], rows=[["only one"]])
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        BarChart("t", ["a", "b", "c"], [("s", [1.0, 2.0])])


def test_pdf_without_pango_says_which_package_is_missing(monkeypatch: pytest.MonkeyPatch):
    def no_pango(name: str) -> None:
        raise OSError("cannot load library 'libpango-1.0-0': No such file or directory")

    monkeypatch.setattr(documents.pdf_renderer.importlib, "import_module", no_pango)
    with pytest.raises(DocumentRenderError, match="libpango-1.0-0 libpangoft2-1.0-0"):
        render_pdf(sample())


def test_pdf_fetches_nothing_from_the_network():
    import weasyprint

    fetcher = documents.pdf_renderer._local_fetcher(weasyprint, allowed=set())
    with pytest.raises(ValueError, match="do not fetch"):
        fetcher.fetch("https://example.org/tracker.png")
    with pytest.raises(ValueError, match="do not fetch"):
        fetcher.fetch("file:///etc/passwd")
