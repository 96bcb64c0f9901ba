"""Read a questionnaire export into responses and typed answers (no I/O but the file).

Shapes read (one response per row or object; each tool's public export documentation):

- **Typeform** CSV (``#``, question columns, hidden-field columns, ``Start Date (UTC)``,
  ``Submit Date (UTC)``, ``Network ID``, ``Tags``) and JSON (the Responses API ``{"items": [...]}``
  or webhook ``{"form_response": ...}`` objects: ``token``, ``submitted_at``, ``hidden``,
  ``answers[]`` with ``field.type`` and ``definition.fields[].title``).
- **Google Forms** CSV (``Timestamp``/``Horodateur``, optional ``Email Address``/``Adresse
  e-mail``, one column per question; a checkbox answer is the chosen labels joined by ``, ``).
- **Tally** CSV (``Submission ID``, ``Respondent ID``, ``Submitted at``, questions) and JSON (the
  webhook ``{"data": {"responseId", "createdAt", "fields": [{label, type, value, options}]}}``
  objects, one or a list).

Every answer gets a kind: ``choice``, ``multiple``, ``scale``, ``nps`` or ``text``. JSON exports
say it (Typeform's field type, Tally's). A CSV does not: a column is ``nps`` when its header
speaks of recommending (``NPS``, ``recommend``, ``recommander``...) and its values are whole
numbers 0–10; ``scale`` when its values are numbers; ``multiple`` when cells list short labels
joined by ``, `` that recur; ``choice`` when short values (four words at most) recur; ``text``
otherwise. The
``kinds`` argument (``tribu load survey --question "Header=nps"``) overrides the guess.

Hidden fields (e-mail, member handle, customer id) are recognised by their header or key and
never stored as answers. A row that cannot be read (no readable date, more cells than columns,
an NPS answer outside 0–10, a scale answer that is not a number, a response id seen earlier
in the file) is returned in ``quarantined``
with its place (``row 7``) and the reason; the other rows are kept.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tribu.errors import InputError

__all__ = [
    "ANSWER_KINDS",
    "Answer",
    "Survey",
    "SurveyResponse",
    "read_survey",
]

ANSWER_KINDS = ("choice", "multiple", "scale", "nps", "text")

_EMAIL = {"email", "e-mail", "mail", "email address", "adresse e-mail", "adresse email"}
_HANDLE = {
    "handle",
    "member",
    "member_id",
    "member_key",
    "pseudo",
    "username",
    "discord",
    "telegram",
    "slack",
}
_CUSTOMER = {"customer_id", "customer", "client", "client_id", "customer id"}
_META = {
    "#",
    "start date (utc)",
    "submit date (utc)",
    "stage date (utc)",
    "network id",
    "tags",
    "response type",
    "ending",
    "submission id",
    "respondent id",
    "submitted at",
    "timestamp",
    "horodateur",
    "horodatage",
    "score",
    "response_id",
    "submitted_at",
}
_ID_COLUMNS = ("#", "submission id", "response_id", "token", "id")
_TIME_COLUMNS = (
    "submit date (utc)",
    "submitted at",
    "timestamp",
    "horodateur",
    "horodatage",
    "submitted_at",
    "ts",
)
_NPS_HEADER = re.compile(r"\bnps\b|recommend|recommand", re.IGNORECASE)
_TIME_LAYOUTS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y/%m/%d %I:%M:%S %p",
)
_SHORT = 60  # characters: longer answers are free text
_MAX_WORDS = 4  # words: a label longer than this is a sentence
_MAX_LABELS = 12  # distinct values of a choice question


@dataclass(slots=True)
class Answer:
    question_id: str
    question: str
    kind: str
    choice: str | None = None
    number: float | None = None
    text: str | None = None


@dataclass(slots=True)
class SurveyResponse:
    response_id: str
    ts: datetime
    email: str | None = None
    handle: str | None = None
    customer_id: str | None = None
    answers: list[Answer] = field(default_factory=list)
    locator: str = ""


@dataclass
class Survey:
    """What a file held: its tool, its questions with their kinds, responses, bad rows."""

    tool: str
    questions: dict[str, str] = field(default_factory=dict)  # question -> kind
    responses: list[SurveyResponse] = field(default_factory=list)
    quarantined: list[tuple[str, str, str]] = field(default_factory=list)


class _RowFault(ValueError):
    """A row that cannot be read (quarantined, the load goes on)."""


def read_survey(path: Path, kinds: dict[str, str] | None = None) -> Survey:
    """Read a Typeform, Google Forms or Tally export (CSV or JSON)."""
    kinds = dict(kinds or {})
    for question, kind in kinds.items():
        if kind not in ANSWER_KINDS:
            raise InputError(
                path,
                None,
                f"question {question!r}: unknown kind {kind!r}; use one of "
                f"{', '.join(ANSWER_KINDS)}.",
            )
    if not path.is_file():
        raise InputError(path, None, "no such file.")
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _unique(_read_json(path, kinds))
    if suffix in {".csv", ".tsv", ".txt"}:
        return _unique(_read_csv(path, kinds))
    raise InputError(
        path, None, f"unknown file type {suffix!r}; give a .csv or a .json export."
    )


def _unique(survey: Survey) -> Survey:
    """Quarantine a response whose id an earlier one of the file already has."""
    first: dict[str, str] = {}
    kept = []
    for response in survey.responses:
        seen = first.get(response.response_id)
        if seen is None:
            first[response.response_id] = response.locator
            kept.append(response)
        else:
            survey.quarantined.append(
                (
                    response.locator,
                    f"same response id {response.response_id!r} as {seen}; the first "
                    "was kept.",
                    response.response_id,
                )
            )
    survey.responses = kept
    return survey


# -- CSV ------------------------------------------------------------------------------


def _read_csv(path: Path, kinds: dict[str, str]) -> Survey:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
            if not first.strip():
                raise InputError(path, "row 1", "the header row is empty.")
            delimiter = max(",;\t", key=first.count)
            handle.seek(0)
            reader = csv.reader(handle, delimiter=delimiter)
            header = [name.strip() for name in next(reader)]
            rows = [(reader.line_num, cells) for cells in reader]
    except UnicodeDecodeError as exc:
        raise InputError(
            path, None, f"not UTF-8 text ({exc.reason}); save the file as UTF-8."
        ) from exc
    except csv.Error as exc:
        raise InputError(path, None, f"not a readable CSV file ({exc}).") from exc
    lowered = [name.lower() for name in header]
    duplicates = sorted({n for n in header if header.count(n) > 1})
    if duplicates:
        raise InputError(path, "row 1", f"column {duplicates[0]!r} appears twice.")
    time_col = next((lowered.index(c) for c in _TIME_COLUMNS if c in lowered), None)
    if time_col is None:
        raise InputError(
            path,
            "row 1",
            "no date column ('Submit Date (UTC)', 'Submitted at', 'Timestamp' or "
            f"'Horodateur'); columns found: {', '.join(header) or 'none'}.",
        )
    tool = (
        "typeform"
        if "submit date (utc)" in lowered
        else "tally"
        if "submission id" in lowered
        else "google-forms"
        if lowered[time_col] in {"timestamp", "horodateur", "horodatage"}
        else "csv"
    )
    id_col = next((lowered.index(c) for c in _ID_COLUMNS if c in lowered), None)
    questions = [
        (i, name)
        for i, name in enumerate(header)
        if lowered[i] not in _META
        and lowered[i] not in _EMAIL | _HANDLE | _CUSTOMER
        and name
    ]
    good = [(n, c) for n, c in rows if any(cell.strip() for cell in c)]
    survey = Survey(tool)
    for index, name in questions:
        values = [c[index].strip() for _, c in good if index < len(c)]
        survey.questions[name] = kinds.get(name) or _guess(
            name, [v for v in values if v]
        )
    for number, cells in good:
        locator = f"row {number}"
        try:
            if len(cells) > len(header):
                raise _RowFault(
                    f"{len(cells)} cells for {len(header)} columns; is a value holding "
                    f"an unquoted {delimiter!r}?"
                )
            cells = cells + [""] * (len(header) - len(cells))
            survey.responses.append(
                _csv_response(
                    survey, lowered, cells, time_col, id_col, questions, locator
                )
            )
        except _RowFault as exc:
            survey.quarantined.append((locator, str(exc), delimiter.join(cells)))
    return survey


def _csv_response(
    survey: Survey,
    lowered: list[str],
    cells: list[str],
    time_col: int,
    id_col: int | None,
    questions: list[tuple[int, str]],
    locator: str,
) -> SurveyResponse:
    ts = _time(cells[time_col])
    if id_col is not None and cells[id_col].strip():
        response_id = cells[id_col].strip()
    else:  # Google Forms has no id: the row's content names it
        response_id = (
            "r_" + hashlib.sha256("\x1f".join(cells).encode()).hexdigest()[:16]
        )
    response = SurveyResponse(response_id, ts, locator=locator)
    for i, name in enumerate(lowered):
        value = cells[i].strip()
        if not value:
            continue
        if name in _EMAIL:
            response.email = value
        elif name in _HANDLE:
            response.handle = value
        elif name in _CUSTOMER:
            response.customer_id = value
    for index, question in questions:
        value = cells[index].strip()
        if value:
            response.answers.extend(
                _answers(question, question, survey.questions[question], value)
            )
    return response


def _time(value: str) -> datetime:
    text = value.strip()
    if not text:
        raise _RowFault("no date; the response cannot be placed in time.")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for layout in _TIME_LAYOUTS:
            try:
                moment = datetime.strptime(text, layout)
                break
            except ValueError:
                continue
        else:
            raise _RowFault(f"the date {text!r} cannot be read.") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _number(value: str) -> float | None:
    try:
        return float(value.replace(",", ".").strip())
    except ValueError:
        return None


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r",\s+|;\s*", value) if part.strip()]


def _guess(question: str, values: list[str]) -> str:
    """The kind of a CSV question from its header and its non-blank answers."""
    if not values:
        return "text"
    numbers = [_number(v) for v in values]
    numeric = [n for n in numbers if n is not None]
    mostly = len(numeric) >= 0.8 * len(values)
    on_scale = [n for n in numeric if n == int(n) and 0 <= n <= 10]
    if mostly and _NPS_HEADER.search(question) and len(on_scale) >= 0.8 * len(numeric):
        return "nps"  # the few answers off the 0-10 scale are quarantined
    if mostly:
        return "scale"
    if any(len(v) > _SHORT or len(v.split()) > _MAX_WORDS for v in values):
        return "text"  # sentences, not labels
    parts = [p for v in values for p in _split(v)]
    counts = Counter(parts)
    if (
        any(len(_split(v)) > 1 for v in values)
        and len(counts) <= _MAX_LABELS
        and len(counts) < len(parts)
    ):
        return "multiple"
    distinct = Counter(values)
    if len(distinct) <= _MAX_LABELS and len(distinct) < len(values):
        return "choice"
    return "text"


def _answers(question_id: str, question: str, kind: str, value: Any) -> list[Answer]:
    """The answer rows of one cell (several for a multiple choice)."""
    if kind in {"scale", "nps"}:
        number = value if isinstance(value, int | float) else _number(str(value))
        if number is None or isinstance(number, bool):
            raise _RowFault(f"{question!r}: {value!r} is not a number.")
        if kind == "nps" and not (number == int(number) and 0 <= number <= 10):
            raise _RowFault(
                f"{question!r}: an NPS answer is a whole number from 0 to 10, got "
                f"{value!r}."
            )
        return [Answer(question_id, question, kind, number=float(number))]
    if kind == "multiple":
        labels = value if isinstance(value, list) else _split(str(value))
        return [
            Answer(question_id, question, kind, choice=str(label)) for label in labels
        ]
    if kind == "choice":
        return [Answer(question_id, question, kind, choice=str(value).strip())]
    return [Answer(question_id, question, "text", text=str(value))]


# -- JSON -----------------------------------------------------------------------------

_TYPEFORM_KINDS = {
    "nps": "nps",
    "opinion_scale": "scale",
    "rating": "scale",
    "number": "scale",
    "multiple_choice": "choice",
    "dropdown": "choice",
    "picture_choice": "choice",
    "yes_no": "choice",
    "legal": "choice",
    "short_text": "text",
    "long_text": "text",
}
_TALLY_KINDS = {
    "MULTIPLE_CHOICE": "choice",
    "DROPDOWN": "choice",
    "CHECKBOXES": "multiple",
    "MULTI_SELECT": "multiple",
    "LINEAR_SCALE": "scale",
    "RATING": "scale",
    "INPUT_NUMBER": "scale",
    "INPUT_TEXT": "text",
    "TEXTAREA": "text",
}


def _read_json(path: Path, kinds: dict[str, str]) -> Survey:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(path, None, f"not UTF-8 text ({exc.reason}).") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            path, f"line {exc.lineno}", f"not valid JSON ({exc.msg})."
        ) from None
    except RecursionError:
        raise InputError(path, None, "JSON nested too deep to be an export.") from None
    items: list[Any]
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        tool, items, where = "typeform", document["items"], "items"
    elif isinstance(document, list | dict):
        items = document if isinstance(document, list) else [document]
        first = next((i for i in items if isinstance(i, dict)), {})
        if "form_response" in first:
            tool = "typeform"
        elif "data" in first and isinstance(first.get("data"), dict):
            tool = "tally"
        else:
            raise InputError(
                path,
                None,
                "not a Typeform ('items' or 'form_response') nor a Tally ('data.fields') "
                "response export.",
            )
        where = "" if isinstance(document, list) else "$"
    else:
        raise InputError(path, None, "expected a JSON object or list of responses.")
    survey = Survey(tool)
    for index, item in enumerate(items):
        locator = "$" if where == "$" else f"{where or '$'}[{index}]"
        try:
            if tool == "tally":
                response = _tally(item, kinds, survey, locator)
            else:
                response = _typeform(item, kinds, survey, locator)
            survey.responses.append(response)
        except (_RowFault, LookupError, TypeError, AttributeError, ValueError) as exc:
            reason = (
                f"no {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)
            ) or type(exc).__name__
            survey.quarantined.append(
                (locator, reason, json.dumps(item, ensure_ascii=False)[:4096])
            )
    return survey


def _set_hidden(response: SurveyResponse, key: str, value: Any) -> None:
    name = key.strip().lower()
    if value in (None, ""):
        return
    if name in _EMAIL:
        response.email = str(value)
    elif name in _HANDLE:
        response.handle = str(value)
    elif name in _CUSTOMER:
        response.customer_id = str(value)


def _typeform(
    item: dict[str, Any], kinds: dict[str, str], survey: Survey, locator: str
) -> SurveyResponse:
    body = item.get("form_response", item)
    titles = {
        str(f["id"]): str(f.get("title") or f["id"])
        for f in (body.get("definition") or {}).get("fields") or ()
    }
    response_id = str(body.get("token") or body.get("response_id") or body["token"])
    response = SurveyResponse(
        response_id, _time(str(body["submitted_at"])), locator=locator
    )
    for key, hidden in (body.get("hidden") or {}).items():
        _set_hidden(response, str(key), hidden)
    for answer in body.get("answers") or ():
        fld = answer["field"]
        field_id = str(fld.get("ref") or fld["id"])
        question = titles.get(str(fld.get("id")), field_id)
        kind_of = answer.get("type")
        if kind_of == "email":
            response.email = str(answer["email"])
            continue
        kind = kinds.get(question) or _TYPEFORM_KINDS.get(str(fld.get("type")), "text")
        if kind_of == "choices":
            kind = kinds.get(question) or "multiple"
            value: Any = list((answer["choices"] or {}).get("labels") or [])
        elif kind_of == "choice":
            value = (answer["choice"] or {}).get("label") or (
                answer["choice"] or {}
            ).get("other")
        elif kind_of == "boolean":
            value = "yes" if answer["boolean"] else "no"
        elif kind_of == "number":
            value = answer["number"]
        else:
            value = answer.get(kind_of) if isinstance(kind_of, str) else None
        if value in (None, "", []):
            continue
        survey.questions.setdefault(question, kind)
        response.answers.extend(_answers(field_id, question, kind, value))
    return response


def _tally(
    item: dict[str, Any], kinds: dict[str, str], survey: Survey, locator: str
) -> SurveyResponse:
    data = item["data"]
    response_id = str(data.get("responseId") or data["submissionId"])
    response = SurveyResponse(
        response_id, _time(str(data["createdAt"])), locator=locator
    )
    for fld in data["fields"]:
        label = str(fld.get("label") or fld["key"])
        kind_of = str(fld.get("type"))
        value = fld.get("value")
        if kind_of == "HIDDEN_FIELDS":
            _set_hidden(response, label, value)
            continue
        if kind_of == "INPUT_EMAIL":
            _set_hidden(response, "email", value)
            continue
        if value in (None, "", []):
            continue
        kind = kinds.get(label) or _TALLY_KINDS.get(kind_of, "text")
        if kind == "scale" and _NPS_HEADER.search(label) and label not in kinds:
            kind = "nps"
        options = {str(o["id"]): str(o["text"]) for o in fld.get("options") or ()}
        if kind in {"choice", "multiple"} and isinstance(value, list):
            labels = [options.get(str(v), str(v)) for v in value]
            value = labels if kind == "multiple" else (labels[0] if labels else None)
            if value is None:
                continue
        survey.questions.setdefault(label, kind)
        response.answers.extend(_answers(str(fld["key"]), label, kind, value))
    return response
