"""The JSON API and pages through FastAPI's test client: auth, shapes, CSV, escaping."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.report.fixture_warehouse import HOSTILE_IMG, HOSTILE_SCRIPT
from tests.web.conftest import Site
from tribu.web.auth import SESSION_COOKIE


@pytest.fixture(scope="module")
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, base_url="https://testserver")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/measures",
        "/api/v1/measures/daily_activity",
        "/api/v1/openapi.json",
        "/api/v1/charts/activity",
        "/api/v1/members/m-alice",
    ],
)
def test_api_without_token_is_401_and_nothing_else(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert set(response.json()) == {"error"}
    assert "rows" not in response.text and "Alice" not in response.text


def test_api_with_a_wrong_or_revoked_token_is_401(
    client: TestClient, site_files: Site
) -> None:
    assert (
        client.get("/api/v1/measures", headers=bearer("tribu_nope_x")).status_code
        == 401
    )
    record, secret = site_files.tokens.create("viewer", "to revoke")
    assert client.get("/api/v1/status", headers=bearer(secret)).status_code == 200
    site_files.tokens.revoke(record.token_id)
    assert client.get("/api/v1/status", headers=bearer(secret)).status_code == 401


def test_page_without_token_redirects_to_login(client: TestClient) -> None:
    response = client.get("/members/m-alice", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/members/m-alice"


def test_login_sets_a_secure_session_cookie(site_files: Site, app) -> None:  # type: ignore[no-untyped-def]
    browser = TestClient(app, base_url="https://testserver")
    bad = browser.post("/login", data={"token": "tribu_bad_token", "next": "/"})
    assert bad.status_code == 401
    good = browser.post(
        "/login",
        data={"token": site_files.viewer, "next": "//evil.example"},
        follow_redirects=False,
    )
    assert (
        good.status_code == 303 and good.headers["location"] == "/"
    )  # no open redirect
    cookie = good.headers["set-cookie"].lower()
    assert f"{SESSION_COOKIE}=" in cookie
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    assert (
        site_files.viewer not in good.headers["set-cookie"]
    )  # the token is not the cookie
    page = browser.get("/")
    assert page.status_code == 200 and 'id="chart-activity"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_measure_rows_are_typed_and_filtered(
    client: TestClient, site_files: Site
) -> None:
    # ch-lives: 4, 3, 2 messages on 03-08, 03-15, 03-22
    response = client.get(
        "/api/v1/measures/daily_activity?channel=ch-lives",
        headers=bearer(site_files.viewer),
    )
    body = response.json()
    assert body["total"] == 3 and body["applied"] == {"channel": "channel_id"}
    assert [(r["day"], r["messages"]) for r in body["rows"]] == [
        ("2024-03-08", 4),
        ("2024-03-15", 3),
        ("2024-03-22", 2),
    ]
    assert {"name": "day", "type": "date"} in body["columns"]


def test_measures_listing_and_openapi_types(
    client: TestClient, site_files: Site
) -> None:
    listing = client.get("/api/v1/measures", headers=bearer(site_files.viewer)).json()
    names = {m["name"] for m in listing}
    assert "daily_activity" in names
    schema = client.get(
        "/api/v1/openapi.json", headers=bearer(site_files.viewer)
    ).json()
    assert "/api/v1/measures/daily_activity" in schema["paths"]
    row = schema["components"]["schemas"]["DailyActivityRow"]["properties"]
    assert set(row) == {"community_id", "channel_id", "day", "messages"}


def test_unknown_measure_and_bad_date_use_the_error_shape(
    client: TestClient, site_files: Site
) -> None:
    missing = client.get("/api/v1/measures/nope", headers=bearer(site_files.viewer))
    assert missing.status_code == 404 and "nope" in missing.json()["error"]["detail"]
    bad = client.get(
        "/api/v1/measures/daily_activity?since=3/4", headers=bearer(site_files.viewer)
    )
    # a parameter outside its declared type (format: date) is a 422, named, with the value
    assert bad.status_code == 422 and set(bad.json()) == {"error"}
    assert "'since'" in bad.json()["error"]["detail"]
    assert "'3/4'" in bad.json()["error"]["detail"]


def test_csv_download(client: TestClient, site_files: Site) -> None:
    response = client.get(
        "/api/v1/measures/daily_activity.csv?community=c-moon",
        headers=bearer(site_files.viewer),
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    # c-moon: 2 messages on 03-05, 1 on 03-12
    assert [(r["day"], r["messages"]) for r in rows] == [
        ("2024-03-05", "2"),
        ("2024-03-12", "1"),
    ]


def test_chart_changes_with_the_filter(client: TestClient, site_files: Site) -> None:
    everything = client.get(
        "/api/v1/charts/activity", headers=bearer(site_files.viewer)
    )
    lives = client.get(
        "/api/v1/charts/activity?channel=ch-lives", headers=bearer(site_files.viewer)
    )
    assert sum(sum(t["y"]) for t in everything.json()["figure"]["data"]) == 21
    traces = lives.json()["figure"]["data"]
    assert [t["name"] for t in traces] == ["lives"] and traces[0]["y"] == [4, 3, 2]


def test_member_endpoint(client: TestClient, site_files: Site) -> None:
    body = client.get(
        "/api/v1/members/m-alice", headers=bearer(site_files.viewer)
    ).json()
    assert (
        body["display_name"] == f"Alice {HOSTILE_SCRIPT}"
    )  # JSON carries the raw text
    assert [w["messages"] for w in body["weekly"]] == [2, 1, 1]


def test_pages_escape_member_text(client: TestClient, site_files: Site) -> None:
    headers = bearer(site_files.viewer)
    for path in ("/", "/members/m-alice", "/members/m-bob"):
        page = client.get(path, headers=headers).text
        assert HOSTILE_SCRIPT not in page and HOSTILE_IMG not in page
    assert (
        "Alice &lt;script&gt;alert(1)&lt;/script&gt;"
        in client.get("/members/m-alice", headers=headers).text
    )


def test_token_admin_endpoints_need_admin(client: TestClient, site_files: Site) -> None:
    assert (
        client.get("/api/v1/tokens", headers=bearer(site_files.viewer)).status_code
        == 403
    )
    listing = client.get("/api/v1/tokens", headers=bearer(site_files.admin)).json()
    assert {"viewer", "admin"} <= {t["role"] for t in listing}
    assert all("sha256" not in t for t in listing)


def test_logout_and_revocation_end_the_session(site_files: Site, app) -> None:  # type: ignore[no-untyped-def]
    record, secret = site_files.tokens.create("viewer", "session test")
    browser = TestClient(app, base_url="https://testserver")
    browser.post("/login", data={"token": secret, "next": "/"})
    assert (
        browser.get("/api/v1/status").status_code == 200
    )  # the cookie works for the API
    browser.post("/logout")
    assert browser.get("/api/v1/status").status_code == 401
    browser.post("/login", data={"token": secret, "next": "/"})
    assert browser.get("/api/v1/status").status_code == 200
    site_files.tokens.revoke(record.token_id)
    assert browser.get("/api/v1/status").status_code == 401


def test_unknown_member_page_is_404(client: TestClient, site_files: Site) -> None:
    page = client.get("/members/nobody", headers=bearer(site_files.viewer))
    assert page.status_code == 404 and "Membre inconnu." in page.text
    api = client.get("/api/v1/members/nobody", headers=bearer(site_files.viewer))
    assert api.status_code == 404 and api.json()["error"]["title"] == "Not found"
