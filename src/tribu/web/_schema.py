"""What the OpenAPI schema of ``/api/v1`` promises, beyond what FastAPI writes by itself.

FastAPI derives paths, parameters and 200 bodies from the typed routes; this module adds what
every route of the API shares, so a route added anywhere under ``/api/`` is covered with no
change here:

* the bearer-token security scheme, required by every operation (and ``401`` with the error
  shape and ``WWW-Authenticate: Bearer``);
* the one error shape (:class:`tribu.web.models.ErrorResponse`) for ``400`` (a value the
  server could not use), ``404`` (an operation with a path parameter: no such thing) and
  ``422`` (a parameter outside its declared type), in place of FastAPI's own ``422`` body,
  which this app never sends;
* typed parameters helpers: :data:`IsoDate` (``format: date``, exactly ``YYYY-MM-DD``) and
  :func:`one_of` (a closed list of names, declared as an ``enum``).

The ``405`` answers (with ``Allow``) are the app's: see :func:`allowed_methods`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError
from starlette.routing import BaseRoute, Match

__all__ = [
    "ERROR_REF",
    "IsoDate",
    "allowed_methods",
    "declare_shared_answers",
    "one_of",
]

ERROR_REF = "#/components/schemas/ErrorResponse"
_SECURITY_SCHEME = "bearerAuth"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")

_DESCRIPTIONS = {
    "400": "Bad request: a value the server could not use (the error says which).",
    "401": "No valid token: send 'Authorization: Bearer <token>'.",
    "403": "Forbidden: this needs an admin token.",
    "404": "Not found: no such measure, chart, member, section or token.",
    "409": "Conflict with the state of the server (the error says which).",
    "422": "A parameter is outside its declared type (the error names it).",
}


def _iso_date(value: object) -> object:
    """A ``YYYY-MM-DD`` string as a date; anything else (``20240301``, ``''``) refused."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "iso_date",
        "must be an ISO date like 2024-03-01 (YYYY-MM-DD). Got {value} instead.",
        {"value": repr(value)},
    )


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
"""A calendar day in a query: exactly what JSON Schema's ``format: date`` admits."""


def one_of(names: Iterable[str], what: str) -> tuple[AfterValidator, WithJsonSchema]:
    """Metadata of a string parameter that takes one of ``names`` (an ``enum`` in the schema).

    Use as ``Annotated[str, *one_of(CHARTS, "the chart")]``. The list is read once, when
    the route is declared (charts, for instance, are a fixed tuple of the code): the schema
    and the server accept the same values.
    """
    allowed = tuple(names)

    def check(value: str) -> str:
        if value not in allowed:
            raise PydanticCustomError(
                "one_of",
                "{what} must be one of {allowed}. Got {value} instead.",
                {"what": what, "allowed": ", ".join(allowed), "value": repr(value)},
            )
        return value

    return AfterValidator(check), WithJsonSchema(
        {"type": "string", "enum": list(allowed)}
    )


def _error_answer(code: str) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": _DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
    }
    if code == "401":
        answer["headers"] = {
            "WWW-Authenticate": {
                "description": "Always 'Bearer'.",
                "schema": {"type": "string", "enum": ["Bearer"]},
            }
        }
    return answer


def _uses_schema(schema: Any, ref: str) -> bool:
    if isinstance(schema, dict):
        return schema.get("$ref") == ref or any(
            _uses_schema(v, ref) for v in schema.values()
        )
    if isinstance(schema, list):
        return any(_uses_schema(v, ref) for v in schema)
    return False


def declare_shared_answers(schema: dict[str, Any], prefix: str = "/api/") -> None:
    """Add the security scheme and the shared error answers to every operation under ``prefix``.

    An operation keeps any answer it declares itself (a ``403`` or ``409``, say), except a
    ``422`` that is not the error shape (FastAPI's default), which is replaced.
    """
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})[_SECURITY_SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from 'tribu token create' (viewer or admin).",
    }
    for path, item in schema.get("paths", {}).items():
        if not path.startswith(prefix):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation["security"] = [{_SECURITY_SCHEME: []}]
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            codes = ["400", "401"]
            if any(p.get("in") == "path" for p in parameters):
                codes.append("404")
            if parameters or "requestBody" in operation:
                codes.append("422")
            for code in codes:
                declared = responses.get(code)
                if declared is None or not _uses_schema(declared, ERROR_REF):
                    responses[code] = _error_answer(code)
            for code, declared in responses.items():
                if code in _DESCRIPTIONS and "content" not in declared:
                    responses[code] = _error_answer(code) | {
                        "description": declared.get("description")
                        or _DESCRIPTIONS[code]
                    }
    schemas = components.get("schemas", {})
    if not _uses_schema(
        schema.get("paths"), "#/components/schemas/HTTPValidationError"
    ):
        schemas.pop("HTTPValidationError", None)  # FastAPI's 422 body, never sent here
        schemas.pop("ValidationError", None)


def allowed_methods(routes: Iterable[BaseRoute], scope: dict[str, Any]) -> list[str]:
    """Every method some route answers at the path of ``scope`` (for a 405's ``Allow``).

    Starlette names only the methods of the first route whose path matches; a path served by
    several routes (``GET /login`` and ``POST /login``) takes them all. Each method is tried
    on the routes as the router would (``matches``), included routers too.
    """
    routes = list(routes)
    return [
        method
        for method in _HTTP_METHODS
        if any(
            route.matches({**scope, "method": method})[0] is Match.FULL
            for route in routes
        )
    ]
