"""The API keeps the promises of its OpenAPI schema (issue 21).

A short Schemathesis pass over every operation of the schema (every check on, fixed seed), then
the promises it found broken before, one by one, so a regression names itself.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import Site
from tests.web.contract import contract_run

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, base_url="https://testserver")


@pytest.fixture(scope="module")
def schema(client: TestClient, site_files: Site) -> dict[str, Any]:
    served: dict[str, Any] = client.get(
        "/api/v1/openapi.json", headers=_bearer(site_files.viewer)
    ).json()
    return served


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _operations(schema: dict[str, Any]) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch"}
    }


def test_contract_run_finds_no_failure(
    site_files: Site, schema: dict[str, Any], tmp_path: Path
) -> None:
    result = contract_run(site_files.db, examples=2, seed=21, folder=tmp_path)
    assert result.failures == [], "\n".join(result.failures)
    # every operation of the schema was exercised, including routes added after this test
    assert _operations(schema) <= result.operations
    assert result.cases > 10 * len(result.operations)


def test_published_schema_is_what_the_app_serves(schema: dict[str, Any]) -> None:
    published = json.loads((ROOT / "docs/openapi.json").read_text(encoding="utf-8"))
    assert published == schema, (
        "docs/openapi.json differs from GET /api/v1/openapi.json: run 'make openapi'."
    )


def test_months_are_dates_and_instants_carry_their_offset(
    client: TestClient, site_files: Site, schema: dict[str, Any]
) -> None:
    rows = schema["components"]["schemas"]["NpsByMonthRow"]["properties"]["month"]
    assert {"type": "string", "format": "date"} in rows["anyOf"]
    body = client.get(
        "/api/v1/measures/nps_by_month", headers=_bearer(site_files.viewer)
    ).json()
    # NPS answers in January, February, March 2024 (tests/report/fixture_warehouse.py)
    assert [r["month"] for r in body["rows"]] == [
        "2024-01-01",
        "2024-02-01",
        "2024-03-01",
    ]
    ts = schema["components"]["schemas"]["TimeToFirstResponseRow"]["properties"]["ts"]
    assert {"type": "string", "format": "date-time"} in ts["anyOf"]
    replies = client.get(
        "/api/v1/measures/time_to_first_response", headers=_bearer(site_files.viewer)
    ).json()["rows"]
    assert replies and all(r["ts"].endswith("+00:00") for r in replies)


def test_filters_are_declared_as_accepted(schema: dict[str, Any]) -> None:
    params = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/v1/measures/daily_activity"]["get"]["parameters"]
    }
    assert {"type": "string", "format": "date"} in params["since"]["anyOf"]
    assert params["offset"]["minimum"] == 0 and params["offset"]["maximum"] == 2**53 - 1
    assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, 1_000_000)
    chart = schema["paths"]["/api/v1/charts/{chart}"]["get"]["parameters"][0]
    assert chart["schema"]["enum"][:2] == ["activity", "engagement"]


@pytest.mark.parametrize("value", ["20240301", "2024-3-1", "", "2024-02-30"])
def test_a_date_outside_format_date_is_refused(
    client: TestClient, site_files: Site, value: str
) -> None:
    answer = client.get(
        f"/api/v1/measures/daily_activity?until={value}",
        headers=_bearer(site_files.viewer),
    )
    assert answer.status_code == 422
    assert "'until'" in answer.json()["error"]["detail"]


def test_the_year_9999_is_a_date_like_any_other(
    client: TestClient, site_files: Site
) -> None:
    # the last day has no day after it: the filter once added one and overflowed (500)
    for path in ("measures/daily_activity", "summary", "charts/activity"):
        answer = client.get(
            f"/api/v1/{path}?since=0001-01-01&until=9999-12-31",
            headers=_bearer(site_files.viewer),
        )
        assert answer.status_code == 200, (path, answer.text)
    rows = client.get(
        "/api/v1/measures/daily_activity?until=9999-12-31",
        headers=_bearer(site_files.viewer),
    ).json()
    assert rows["total"] == 8  # every day with messages: 8 rows in the fixture


def test_since_after_until_is_a_400_everywhere(
    client: TestClient, site_files: Site
) -> None:
    for path in ("measures/daily_activity", "scorecard", "charts/activity"):
        answer = client.get(
            f"/api/v1/{path}?since=2024-03-20&until=2024-03-01",
            headers=_bearer(site_files.viewer),
        )
        assert answer.status_code == 400, path
        assert "must not be after" in answer.json()["error"]["detail"]


def test_every_error_answer_is_declared_with_the_one_shape(
    schema: dict[str, Any],
) -> None:
    ref = {"$ref": "#/components/schemas/ErrorResponse"}
    # the live receivers take their platform's signature, never the dashboard token
    hooks = {
        "/hooks/slack/events": "slackSignature",
        "/hooks/telegram": "telegramSecretToken",
        "/hooks/generic": "tribuSignature",
    }
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            answers = operation["responses"]
            expected = hooks.get(path, "bearerAuth")
            assert operation["security"] == [{expected: []}], (method, path)
            assert expected in schema["components"]["securitySchemes"]
            assert {"400", "401"} <= set(answers), (method, path)
            for code, answer in answers.items():
                if code.startswith("4"):
                    body = answer["content"]["application/json"]["schema"]
                    assert body == ref, (method, path, code)
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_csv_downloads_are_declared_text_csv(
    client: TestClient, site_files: Site, schema: dict[str, Any]
) -> None:
    csv_paths = [p for p in schema["paths"] if p.endswith(".csv")]
    # measures, member weekly, business and creators sections, listening topics, polls
    assert len(csv_paths) == 6
    for path in csv_paths:
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        assert set(content) == {"text/csv"}
    answer = client.get(
        "/api/v1/members/m-alice/weekly.csv", headers=_bearer(site_files.viewer)
    )
    assert answer.headers["content-type"].startswith("text/csv")
    assert [r["messages"] for r in csv.DictReader(io.StringIO(answer.text))] == [
        "2",
        "1",
        "1",
    ]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/v1/status", "GET"),
        ("POST", "/api/v1/measures/daily_activity", "GET"),
        ("GET", "/api/v1/tokens/some-id", "DELETE"),
        ("PUT", "/login", "GET, POST"),  # two routes on one path: both methods named
    ],
)
def test_405_says_what_is_allowed(
    client: TestClient, site_files: Site, method: str, path: str, allow: str
) -> None:
    answer = client.request(method, path, headers=_bearer(site_files.viewer))
    assert answer.status_code == 405
    assert answer.headers["allow"] == allow
    assert answer.json()["error"]["status"] == 405


def test_a_token_cannot_revoke_itself_and_unknown_ids_are_404(
    client: TestClient, site_files: Site
) -> None:
    mine = next(
        t.token_id
        for t in site_files.tokens.tokens()
        if site_files.tokens.verify(site_files.admin) == t
    )
    itself = client.delete(f"/api/v1/tokens/{mine}", headers=_bearer(site_files.admin))
    assert itself.status_code == 409 and itself.json()["error"]["title"] == "Conflict"
    unknown = client.delete("/api/v1/tokens/nope", headers=_bearer(site_files.admin))
    assert unknown.status_code == 404
    assert client.get("/api/v1/status", headers=_bearer(site_files.admin)).is_success


def test_summary_of_the_first_days_and_of_an_id_with_a_nul(
    client: TestClient, site_files: Site
) -> None:
    # found by `make fuzz-api` (50 examples): both were server errors (500)
    for query in ("until=0001-01-03", "community=a%00b"):
        answer = client.get(
            f"/api/v1/summary?{query}", headers=_bearer(site_files.viewer)
        )
        assert answer.status_code == 200, (query, answer.text)
