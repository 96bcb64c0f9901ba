"""The /business and /creators pages and their API through FastAPI's test client."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.report.fixture_warehouse import HOSTILE_POST
from tests.web.conftest import Site


@pytest.fixture(scope="module")
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, base_url="https://testserver")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/business",
        "/api/v1/creators",
        "/api/v1/business/segments.csv",
        "/api/v1/creators/disclosure.csv",
    ],
)
def test_no_token_no_data(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert "lune" not in response.text and "instagram" not in response.text


@pytest.mark.parametrize("path", ["/business", "/creators"])
def test_pages_without_a_session_go_to_login(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


def test_business_json(client: TestClient, site_files: Site) -> None:
    body = client.get("/api/v1/business", headers=bearer(site_files.viewer)).json()
    assert body["available"] and body["currency"] == "EUR" and body["margin"] == 1.0
    rows = body["sections"]["repurchase_rate_by_cohort"]["rows"]
    # cohorts January (1 of 2 bought again within 90 days), February (0 of 1), May (censored)
    assert [(r["eligible"], r["repurchased"]) for r in rows] == [(2, 1), (1, 0), (0, 0)]
    assert body["nps_rating_correlation"]["n"] == 3
    assert "too few" in body["nps_rating_correlation"]["verdict"]


def test_creators_json_and_csv(client: TestClient, site_files: Site) -> None:
    body = client.get("/api/v1/creators", headers=bearer(site_files.viewer)).json()
    flagged = body["sections"]["disclosure"]["rows"]
    assert [(r["post_id"], r["handle"]) for r in flagged] == [("p2", "lune.nano")]
    response = client.get(
        "/api/v1/creators/disclosure.csv", headers=bearer(site_files.viewer)
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["post_id"], r["text"]) for r in rows] == [("p2", HOSTILE_POST)]
    missing = client.get(
        "/api/v1/creators/nothing.csv", headers=bearer(site_files.viewer)
    )
    assert (
        missing.status_code == 404 and "disclosure" in missing.json()["error"]["detail"]
    )


def test_openapi_types_the_new_routes(client: TestClient, site_files: Site) -> None:
    schema = client.get(
        "/api/v1/openapi.json", headers=bearer(site_files.viewer)
    ).json()
    ok = schema["paths"]["/api/v1/creators"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith(
        "CreatorsResponse"
    )
    assert "/api/v1/business/{section}.csv" in schema["paths"]


def test_pages_render_escaped_with_csv_links(
    client: TestClient, site_files: Site
) -> None:
    headers = bearer(site_files.viewer)
    business = client.get("/business?lang=fr", headers=headers).text
    assert 'href="/api/v1/business/cac_by_channel_month.csv"' in business
    assert "CAC par canal et par mois" in business
    creators = client.get("/creators?lang=en", headers=headers).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in creators
    assert "<script>alert(1)</script>" not in creators
    assert 'href="/api/v1/creators/disclosure.csv"' in creators
    dashboard = client.get("/", headers=headers).text
    assert 'href="/business"' in dashboard and 'href="/creators"' in dashboard
