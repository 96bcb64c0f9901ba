"""The dashboard's People page: suggestions side by side, bulk accept and reject, roles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.people.conftest import build_people_warehouse
from tribu.people.store import decisions, person_of, suggest
from tribu.warehouse.store import open_warehouse
from tribu.web.app import create_app
from tribu.web.auth import TokenStore


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, Path, str, str]]:
    db = build_people_warehouse(tmp_path / "people.duckdb")
    con = open_warehouse(db)
    try:
        # A hostile display name must be shown as text.
        con.execute(
            "UPDATE members SET display_name = '<script>alert(1)</script>' "
            "WHERE member_id = 'd-marc'"
        )
        suggest(con)
    finally:
        con.close()
    tokens = TokenStore(tmp_path / "tokens.json")
    _, viewer = tokens.create("viewer", "vera")
    _, admin = tokens.create("admin", "ana")
    app = create_app(db, tokens=tokens, watch=False)
    try:
        yield TestClient(app, base_url="https://testserver"), db, viewer, admin
    finally:
        app.state.snapshots.close()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_people_page_shows_pairs_side_by_side(site) -> None:
    client, _db, viewer, _admin = site
    page = client.get("/people?lang=en", headers=_auth(viewer))
    assert page.status_code == 200
    html = page.text
    assert html.count('class="suggestion"') == 2  # d-elodie~s-elodie, d-marc~s-marc
    assert "d-elodie|s-elodie" in html and "same name" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # 9 members wrote, 7 of them not bots; the phone pair is one person already: 6 people.
    assert 'id="active-members">7<' in html and 'id="active-people">6<' in html
    bare = client.get("/people", follow_redirects=False)
    assert bare.status_code in (303, 307, 401)  # no token: refused (to the login page)


def test_bulk_accept_and_reject(site) -> None:
    client, db, viewer, admin = site
    form = {"action": "accept", "pair": ["d-elodie|s-elodie"], "reason": "checked"}
    refused = client.post("/people/decide", data=form, headers=_auth(viewer))
    assert refused.status_code == 403
    done = client.post(
        "/people/decide", data=form, headers=_auth(admin), follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].startswith(
        "/people?done=accept:1:0"
    )
    rejected = client.post(
        "/people/decide",
        data={"action": "reject", "pair": ["d-marc|s-marc"]},
        headers=_auth(admin),
        follow_redirects=False,
    )
    assert rejected.status_code == 303
    con = open_warehouse(db)
    try:
        assert person_of(con, "d-elodie") == person_of(con, "w-elodie")
        history = decisions(con)
        assert [(d["action"], d["actor"]) for d in history[1:]] == [
            ("merge", "ana"),
            ("reject", "ana"),
        ]
        assert history[1]["reason"] == "checked"
    finally:
        con.close()
    page = client.get("/people?lang=en", headers=_auth(viewer))
    assert 'class="suggestion"' not in page.text
    assert 'id="active-people">5<' in page.text  # the three Élodie accounts are one
    bad = client.post(
        "/people/decide", data={"action": "merge-all"}, headers=_auth(admin)
    )
    assert bad.status_code == 422
