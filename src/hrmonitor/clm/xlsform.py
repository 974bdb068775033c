"""XLSForm → XForm with pyxform, and what hrmonitor reads from the result: the form's ID,
version and title, its questions with labels per language, the media it needs. pyxform's
errors and warnings are given back translated (hrmonitor.clm.pyxform_messages).

No database here: the service saves what this returns."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _
from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from hrmonitor.clm.pyxform_messages import translate_error, translate_warning

SUPPORTED_EXTENSIONS = (".xlsx", ".xls", ".csv", ".md")
# Question types whose answer is a file sent beside the instance.
BINARY_TYPES = frozenset(
    {
        "photo",
        "image",
        "audio",
        "video",
        "file",
        "background-audio",
        "signature",
        "draw",
        "annotate",
    }
)
# Types that are not questions a monitor answers.
STRUCTURE_TYPES = frozenset({"group", "repeat", "survey"})
_MEDIA = re.compile(r"jr://(?:file|file-csv|images|audio|video)/([^\"'<>\s)]+)")
_LANGUAGE_CODE = re.compile(r"\((\w{2,3})\)\s*$")
_KNOWN_LANGUAGES = {"english": "en", "russian": "ru", "русский": "ru", "английский": "en"}


class XLSFormError(ValueError):
    """The file could not be converted; `messages` say why, translated."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class Converted:
    form_id: str
    version: str
    title: str
    xform: str
    md5: str
    fields: list[dict[str, Any]]
    languages: list[str]
    media: list[str]
    warnings: list[str]
    itemsets_csv: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def language_code(name: str) -> str:
    """'English (en)' → 'en', 'Russian' → 'ru', 'default' → ''. Unknown names stay as they
    are, so their labels are still shown when nothing better exists."""
    if not name or name == "default":
        return ""
    match = _LANGUAGE_CODE.search(name)
    if match:
        return match.group(1).lower()
    return _KNOWN_LANGUAGES.get(name.strip().lower(), name)


def _labels(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {language_code(k): str(v) for k, v in value.items()}
    if value:
        return {"": str(value)}
    return {}


def _fields(children: list[dict[str, Any]], prefix: str, repeat: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for child in children:
        name = child.get("name", "")
        kind = child.get("type", "")
        path = f"{prefix}{name}"
        if not prefix and name == "meta":
            continue
        if kind in {"group", "repeat"}:
            if kind == "repeat":
                out.append(
                    {
                        "path": path,
                        "name": name,
                        "type": "repeat",
                        "repeat": repeat,
                        "labels": _labels(child.get("label")),
                    }
                )
            out.extend(
                _fields(child.get("children", []), path + "/", path if kind == "repeat" else repeat)
            )
            continue
        entry: dict[str, Any] = {
            "path": path,
            "name": name,
            "type": kind,
            "repeat": repeat,
            "labels": _labels(child.get("label")),
        }
        # pyxform's dict holds a select's options under "choices" (older releases: "children").
        options = child.get("choices") or child.get("children")
        if kind.startswith("select") and options:
            entry["choices"] = [
                {"name": str(c.get("name", "")), "labels": _labels(c.get("label"))} for c in options
            ]
        elif child.get("itemset") and "." in str(child.get("itemset")):
            entry["choices_file"] = str(child["itemset"])
        out.append(entry)
    return out


def _form_name(filename: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_]+", "_", PurePath(filename).stem).strip("_")
    return stem or "form"


def convert_xlsform(content: bytes, filename: str, *, now: datetime | None = None) -> Converted:
    """Convert an uploaded XLSForm. A form without a version gets one from the upload time
    (YYYYMMDDHHMM), as ODK Central does, so each upload is a new version."""
    extension = PurePath(filename).suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise XLSFormError(
            [
                _("%(name)s is not an XLSForm: upload an .xlsx, .xls, .csv or .md file.")
                % {"name": filename}
            ]
        )
    source: bytes | str = content
    if extension in {".md", ".csv"}:
        try:
            source = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise XLSFormError([_("The file is not UTF-8 text.")]) from None
    warnings: list[str] = []
    try:
        result = convert(
            xlsform=source,
            file_type=extension,
            warnings=warnings,
            form_name=_form_name(filename),
        )
    except PyXFormError as exc:
        raise XLSFormError([translate_error(exc)]) from exc
    except Exception as exc:  # a broken workbook raises from openpyxl/xlrd/csv
        raise XLSFormError(
            [
                _("The file could not be read as a spreadsheet (%(error)s).")
                % {"error": type(exc).__name__}
            ]
        ) from exc
    data = result._pyxform
    xform = result.xform
    if not data.get("version"):
        data["version"] = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M")
        try:
            xform = create_survey_element_from_dict(data).to_xml(
                validate=False, pretty_print=False, warnings=[]
            )
        except PyXFormError as exc:  # pragma: no cover - converted once already
            raise XLSFormError([translate_error(exc)]) from exc
    languages = sorted(
        {code for code in (language_code(k) for k in _all_language_names(data)) if code}
    )
    return Converted(
        form_id=str(data.get("id_string") or ""),
        version=str(data["version"]),
        title=str(data.get("title") or data.get("id_string") or ""),
        xform=xform,
        md5=hashlib.md5(xform.encode(), usedforsecurity=False).hexdigest(),
        fields=_fields(data.get("children", []), "", ""),
        languages=languages,
        media=sorted(set(_MEDIA.findall(xform))),
        warnings=[translate_warning(w) for w in result.warnings],
        itemsets_csv=result.itemsets,
    )


def _all_language_names(data: dict[str, Any]) -> set[str]:
    names: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        label = node.get("label")
        if isinstance(label, dict):
            names.update(label)
        for child in node.get("children", []) or []:
            if isinstance(child, dict):
                walk(child)

    walk(data)
    return names


def label_for(labels: dict[str, str], language: str) -> str:
    """The label in `language`, else English, else the form's default, else any."""
    for key in (language, "en", ""):
        if labels.get(key):
            return labels[key]
    return next(iter(labels.values()), "")


def markdown_to_xlsx(content: bytes) -> bytes:
    """An XLSForm written in pyxform's markdown (as the shipped forms are) as an .xlsx
    workbook, for people who adapt it in a spreadsheet program."""
    import io

    from pyxform.xls2json_backends import md_table_to_workbook

    workbook = md_table_to_workbook(content.decode("utf-8-sig"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
