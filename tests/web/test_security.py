"""Server hardening: headers on every answer, slowdown after wrong tokens, odd member ids.

No browser and no sleeping: FastAPI's test client, and a fake clock for the slowdown.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import Site
from tribu.config import TribuConfig
from tribu.warehouse.ingest import ingest_paths
from tribu.web.app import create_app
from tribu.web.auth import TokenStore
from tribu.web.headers import SECURITY_HEADERS
from tribu.web.throttle import TokenThrottle

STATIC_JS = Path(__file__).resolve().parents[2] / "src/tribu/web/static/dashboard.js"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class FakeClock:
    """Monotonic seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def assert_hardened(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.status_code, name)
    assert response.headers.get("cache-control"), response.status_code


# -- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "auth", "status"),
    [
        ("GET", "/api/v1/measures", None, 401),  # no token
        ("GET", "/api/v1/measures", "tribu_bad_token", 401),  # wrong token
        ("GET", "/members/m-alice", None, 303),  # page without a session: to login
        ("GET", "/login", None, 200),
        ("POST", "/logout", None, 303),
        ("GET", "/api/v1/measures", "viewer", 200),
        ("GET", "/", "viewer", 200),
        ("GET", "/members/m-alice", "viewer", 200),
        ("GET", "/api/v1/members/nobody", "viewer", 404),
        ("GET", "/api/v1/measures/daily_activity?since=3/4", "viewer", 422),
        ("GET", "/api/v1/measures/daily_activity?limit=x", "viewer", 422),
        ("DELETE", "/api/v1/measures", "viewer", 405),
        ("GET", "/static/style.css", "viewer", 200),
    ],
)
def test_every_answer_carries_the_security_headers(
    app, site_files: Site, method: str, path: str, auth: str | None, status: int
) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, base_url="https://testserver")
    token = site_files.viewer if auth == "viewer" else auth
    response = client.request(
        method, path, headers=bearer(token) if token else {}, follow_redirects=False
    )
    assert response.status_code == status
    assert_hardened(response)
    if path.startswith("/static/"):  # static files keep their own caching
        assert response.headers["cache-control"] == "private, max-age=3600"
    else:
        assert response.headers["cache-control"] == "no-store"


def test_a_server_error_carries_the_security_headers(site_files: Site) -> None:
    app = create_app(site_files.db, tokens=site_files.tokens, watch=False)
    try:

        @app.get("/api/v1/boom")
        def boom() -> None:
            raise RuntimeError("boom")

        client = TestClient(app, raise_server_exceptions=False)
        response = client.get("/api/v1/boom", headers=bearer(site_files.viewer))
        assert response.status_code == 500
        assert response.json()["error"]["title"] == "Server error"
        assert_hardened(response)
    finally:
        app.state.snapshots.close()


# -- slowdown after wrong tokens ------------------------------------------------------------


def test_throttle_counts_failures_in_a_sliding_window() -> None:
    clock = FakeClock()
    throttle = TokenThrottle(limit=3, window=60.0, clock=clock)
    for _ in range(2):
        throttle.failure("1.2.3.4")
    assert throttle.retry_after("1.2.3.4") == 0  # 2 < 3: may try again
    clock.now += 10
    throttle.failure("1.2.3.4")  # failures at t=1000, 1000, 1010
    assert throttle.retry_after("1.2.3.4") == 50  # blocked until 1000 + 60
    assert throttle.retry_after("5.6.7.8") == 0  # another client is not
    clock.now += 49.5  # t = 1059.5
    assert throttle.retry_after("1.2.3.4") == 1
    clock.now += 0.5  # t = 1060: the two first failures expire, one is left
    assert throttle.retry_after("1.2.3.4") == 0
    throttle.failure("1.2.3.4")
    throttle.failure("1.2.3.4")  # failures at 1010, 1060, 1060: blocked until 1070
    assert throttle.retry_after("1.2.3.4") == 10
    throttle.success("1.2.3.4")
    assert throttle.retry_after("1.2.3.4") == 0


def test_throttle_memory_is_bounded() -> None:
    throttle = TokenThrottle(limit=2, clock=FakeClock(), max_clients=100)
    for i in range(1000):
        throttle.failure(f"10.0.{i // 256}.{i % 256}")
    assert len(throttle._failures) == 100  # the 100 seen last


def test_wrong_tokens_are_slowed_down_then_allowed_again(site_files: Site) -> None:
    clock = FakeClock()
    app = create_app(
        site_files.db,
        tokens=site_files.tokens,
        watch=False,
        throttle=TokenThrottle(limit=3, window=60.0, clock=clock),
    )
    try:
        client = TestClient(app, base_url="https://testserver")
        good = bearer(site_files.viewer)
        # A valid token resets nothing it should not: requests without a token don't count.
        for _ in range(5):
            assert client.get("/api/v1/measures").status_code == 401
        assert client.get("/api/v1/status", headers=good).status_code == 200
        for _ in range(3):
            wrong = client.get("/api/v1/measures", headers=bearer("tribu_x_guess"))
            assert wrong.status_code == 401
        # Blocked now, even with the right token (the address is what is slowed down).
        blocked = client.get("/api/v1/status", headers=good)
        assert blocked.status_code == 429
        assert blocked.headers["retry-after"] == "60"
        assert "try again in 60 s" in blocked.json()["error"]["detail"]
        assert_hardened(blocked)
        # The login form is refused too, with the page saying how long to wait.
        login = client.post("/login", data={"token": site_files.viewer, "next": "/"})
        assert login.status_code == 429 and login.headers["retry-after"] == "60"
        assert 'id="login-throttled"' in login.text and "60 s" in login.text
        clock.now += 60
        assert client.get("/api/v1/status", headers=good).status_code == 200
    finally:
        app.state.snapshots.close()


def test_wrong_tokens_on_the_login_form_count(site_files: Site) -> None:
    clock = FakeClock()
    app = create_app(
        site_files.db,
        tokens=site_files.tokens,
        watch=False,
        throttle=TokenThrottle(limit=2, window=30.0, clock=clock),
    )
    try:
        client = TestClient(app, base_url="https://testserver")
        for _ in range(2):
            bad = client.post("/login", data={"token": "tribu_bad", "next": "/"})
            assert bad.status_code == 401 and 'id="login-error"' in bad.text
        refused = client.post("/login", data={"token": site_files.viewer, "next": "/"})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
        assert_hardened(refused)
        clock.now += 30
        ok = client.post(
            "/login",
            data={"token": site_files.viewer, "next": "/"},
            follow_redirects=False,
        )
        assert ok.status_code == 303
    finally:
        app.state.snapshots.close()


# -- member ids that hold "/" and other odd characters --------------------------------------

ODD = "Zoé /?#% <b>x</b>"  # --keep-names id: "generic:odd/Zoé /?#% <b>x</b>"
ENDS_LIKE_CSV = "a/weekly.csv"  # an id that looks like the CSV route


def encode_uri_component(value: str) -> str:
    """JavaScript's encodeURIComponent, which dashboard.js uses for member links."""
    return quote(value, safe="-_.!~*'()")


@pytest.fixture(scope="module")
def odd_site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("odd")
    export = folder / "odd.csv"
    export.write_text(
        "text,ts,author\n"
        f'Bonjour à tous,2026-03-01T10:00:00Z,"{ODD}"\n'
        "Salut,2026-03-01T10:05:00Z,bob\n"
        f'Re,2026-03-02T10:05:00Z,"{ODD}"\n'
        f"Encore,2026-03-03T10:05:00Z,{ENDS_LIKE_CSV}\n",
        encoding="utf-8",
    )
    db = folder / "odd.duckdb"
    ingest_paths([export], db=db, keep_names=True, config=TribuConfig())
    tokens = TokenStore(folder / "tokens.json")
    _, viewer = tokens.create("viewer")
    app = create_app(db, tokens=tokens, watch=False)
    yield TestClient(app, base_url="https://testserver"), bearer(viewer)
    app.state.snapshots.close()


def test_member_ids_with_a_slash_reach_their_page_and_api(odd_site) -> None:  # type: ignore[no-untyped-def]
    client, auth = odd_site
    member_id = f"generic:odd/{ODD}"
    for encoded in (quote(member_id, safe=""), quote(member_id, safe="/:")):
        api = client.get(f"/api/v1/members/{encoded}", headers=auth)
        assert api.status_code == 200, encoded
        assert api.json()["member_id"] == member_id
        assert api.json()["display_name"] == ODD
        # 2026-03-01 is a Sunday, -02 a Monday: one message in each of two weeks.
        assert [w["messages"] for w in api.json()["weekly"]] == [1, 1]
        page = client.get(f"/members/{encoded}", headers=auth)
        assert page.status_code == 200, encoded
        # The name is escaped on the page, never markup.
        assert (
            "Zoé /?#% &lt;b&gt;x&lt;/b&gt;" in page.text and "<b>x</b>" not in page.text
        )
    # The CSV link the member page renders works.
    page = client.get(f"/members/{quote(member_id, safe='')}", headers=auth)
    href = unescape(re.search(r'id="csv-member" href="([^"]+)"', page.text)[1])
    csv = client.get(href, headers=auth)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    header, *weeks = csv.text.splitlines()
    assert len(weeks) == 2  # the two weeks above
    assert (
        client.get("/api/v1/members/generic%3Aodd%2Fnobody", headers=auth).status_code
        == 404
    )


def test_an_id_ending_like_the_csv_route_still_gets_its_profile(odd_site) -> None:  # type: ignore[no-untyped-def]
    client, auth = odd_site
    member_id = f"generic:odd/{ENDS_LIKE_CSV}"
    api = client.get(f"/api/v1/members/{quote(member_id, safe='')}", headers=auth)
    assert api.status_code == 200 and api.json()["member_id"] == member_id
    assert api.json()["weekly"][0]["messages"] == 1


def test_the_dashboard_links_reach_every_member(odd_site) -> None:  # type: ignore[no-untyped-def]
    client, auth = odd_site
    # dashboard.js builds member links with encodeURIComponent (checked here, emulated below).
    assert 'link.href = "/members/" + encodeURIComponent(r.member_id);' in (
        STATIC_JS.read_text(encoding="utf-8")
    )
    chart = client.get("/api/v1/charts/roles", headers=auth).json()
    ids = {row["member_id"] for row in chart["table"]}  # the table dashboard.js fills
    assert f"generic:odd/{ODD}" in ids and len(ids) == 3
    for member_id in ids:
        page = client.get(f"/members/{encode_uri_component(member_id)}", headers=auth)
        assert page.status_code == 200, member_id
        assert 'id="member-id"' in page.text


def test_login_redirect_keeps_an_encoded_member_path(odd_site) -> None:  # type: ignore[no-untyped-def]
    client, auth = odd_site
    member_id = f"generic:odd/{ODD}"
    path = f"/members/{quote(member_id, safe='')}"
    redirect = client.get(path, follow_redirects=False)
    assert redirect.status_code == 303
    # After login the browser goes back to the same member, "?" and "#" still encoded.
    location = redirect.headers["location"]
    assert location.startswith("/login?next=")
    from urllib.parse import parse_qs, urlsplit

    (target,) = parse_qs(urlsplit(location).query)["next"]
    assert target == path
