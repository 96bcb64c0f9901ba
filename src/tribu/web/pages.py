"""The HTML pages: login, dashboard, business, creators, member page, and their static files.

Pages are Jinja2 templates with autoescaping on; they hold no member text in scripts. The
dashboard's charts are fetched as JSON from ``/api/v1/charts/...`` and drawn by
``static/dashboard.js``, which writes text into the page only through ``textContent``. The
Plotly script is served from the ``plotly`` package on disk (no CDN: the dashboard works
offline).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
import pandas as pd
import plotly.offline
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tribu.report.build import json_for_script, num_filter
from tribu.report.charts import CHARTS, plot_text
from tribu.report.data import MeasureData, MeasureUnavailable, records
from tribu.report.firstparty import firstparty_page
from tribu.report.labels import labels, pick_lang
from tribu.web.auth import SESSION_COOKIE
from tribu.web.throttle import client_of


def _member_roles(data: MeasureData) -> pd.DataFrame:
    """The member_roles measure, or an empty frame while it is not registered."""
    try:
        return data.frame("member_roles")
    except MeasureUnavailable:
        return pd.DataFrame({"member_id": pd.Series(dtype="string")})


__all__ = ["STATIC_FILES", "member_figures", "pages_router", "safe_next"]

# name -> (package holding it, file name, media type); plotly.min.js comes from plotly.
STATIC_FILES: dict[str, tuple[str, str, str]] = {
    "style.css": ("tribu.report.templates", "style.css", "text/css"),
    "dashboard.js": ("tribu.web.static", "dashboard.js", "text/javascript"),
    "member.js": ("tribu.web.static", "member.js", "text/javascript"),
    "firstparty.js": ("tribu.web.static", "firstparty.js", "text/javascript"),
    "live.js": ("tribu.web.static", "live.js", "text/javascript"),
    # the report's table and chart helpers, inlined in the report, served here
    "tables.js": ("tribu.report.templates", "tables.js", "text/javascript"),
}


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("tribu.web", "templates"),
                # the business/creators partial is the report's, shared, not copied
                jinja2.PackageLoader("tribu.report", "templates"),
            ]
        ),
        autoescape=True,
    )
    env.filters["json_for_script"] = json_for_script
    env.filters["num"] = num_filter
    return env


@cache
def static_body(name: str) -> tuple[bytes, str]:
    """The bytes and media type of static file ``name``."""
    if name == "plotly.min.js":
        return plotly.offline.get_plotlyjs().encode("utf-8"), "text/javascript"
    package, filename, media = STATIC_FILES[name]
    return resources.files(package).joinpath(filename).read_bytes(), media


def safe_next(target: str | None) -> str:
    """Where to go after login: a local path only (no open redirect to another site)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render template ``name``."""
    page = _environment().get_template(name).render(**context)
    return HTMLResponse(page, status_code=status_code)


def _lang(data: MeasureData, requested: str | None, community: str | None) -> str:
    if requested not in (None, "fr", "en"):
        requested = None
    return pick_lang(requested, data.french_share(community))


def member_figures(
    data: MeasureData, member_id: str, w: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Plotly figures of a member's messages and mean sentiment per week."""
    weekly = records(data.member_weekly(member_id))
    weeks = [row["week"] for row in weekly]
    # titles are the page's <h3>, above the chart, where the tool bar cannot cover them
    layout = {"margin": {"l": 50, "r": 20, "t": 30, "b": 40}, "height": 300}
    return {
        "activity": {
            "data": [
                {"type": "bar", "x": weeks, "y": [row["messages"] for row in weekly]}
            ],
            "layout": layout | {"meta": {"title": plot_text(w["member_activity"])}},
        },
        "sentiment": {
            "data": [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": weeks,
                    "y": [row["mean_sentiment"] for row in weekly],
                }
            ],
            "layout": layout
            | {
                "meta": {"title": plot_text(w["member_sentiment"])},
                "yaxis": {"range": [0, 1]},
            },
        },
    }


def pages_router() -> APIRouter:
    """Login, logout, dashboard, business and creators pages, member page, static files."""
    router = APIRouter(include_in_schema=False)

    @router.get("/login")
    def login_page(
        request: Request, next: str = "/", lang: str | None = None
    ) -> Response:
        words = labels(lang if lang in ("fr", "en") else "fr")
        return render("login.html", w=words, next=safe_next(next), error=None)

    @router.post("/login")
    def login(
        request: Request,
        token: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "/",
    ) -> Response:
        throttle = request.app.state.throttle
        client = client_of(request)
        words = labels("fr")
        wait = throttle.retry_after(client)
        if wait:
            page = render(
                "login.html",
                status_code=429,
                w=words,
                next=safe_next(next),
                error=False,
                throttled=wait,
            )
            page.headers["Retry-After"] = str(wait)
            return page
        record = request.app.state.tokens.verify(token.strip())
        if record is None:
            throttle.failure(client)
            return render(
                "login.html", status_code=401, w=words, next=safe_next(next), error=True
            )
        throttle.success(client)
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            request.app.state.sessions.open(record),
            max_age=request.app.state.sessions.seconds,
            httponly=True,
            secure=True,
            samesite="strict",
            path="/",
        )
        return response

    @router.post("/logout")
    def logout(request: Request) -> Response:
        request.app.state.sessions.close(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True)
        return response

    @router.get("/")
    def dashboard(
        request: Request,
        community: str | None = None,
        lang: str | None = None,
    ) -> Response:
        data: MeasureData = request.app.state.snapshots.data
        chosen = _lang(data, lang, community or None)
        first, last = data.period()
        return render(
            "dashboard.html",
            lang=chosen,
            w=labels(chosen),
            communities=records(data.communities()),
            channels=records(data.channels()),
            campaigns=records(data.campaigns()),
            charts=list(CHARTS),
            first_day=first,
            last_day=last,
            token=request.state.token,
        )

    def firstparty(request: Request, kind: str, lang: str | None) -> Response:
        data: MeasureData = request.app.state.snapshots.data
        chosen = _lang(data, lang, None)
        words = labels(chosen)
        return render(
            "firstparty.html",
            lang=chosen,
            w=words,
            page=firstparty_page(data, kind, words),
            csv_base=f"/api/v1/{kind}",
        )

    @router.get("/business")
    def business(request: Request, lang: str | None = None) -> Response:
        return firstparty(request, "business", lang)

    @router.get("/creators")
    def creators(request: Request, lang: str | None = None) -> Response:
        return firstparty(request, "creators", lang)

    # ``:path``: a --keep-names member id holds a "/" (see the API's member routes).
    @router.get("/members/{member_id:path}")
    def member_page(
        request: Request, member_id: str, lang: str | None = None
    ) -> Response:
        data: MeasureData = request.app.state.snapshots.data
        profile = data.member(member_id)
        chosen = _lang(data, lang, profile.get("community_id") if profile else None)
        words = labels(chosen)
        if profile is None:
            return render(
                "member.html", status_code=404, lang=chosen, w=words, member=None
            )
        roles = _member_roles(data)
        mine = records(roles[roles["member_id"] == member_id])
        flags = [
            words[key]
            for key, column in (
                ("relay", "is_relay"),
                ("power_user", "is_power_user"),
                ("moderator", "is_moderator"),
                ("newcomer", "is_newcomer"),
                ("at_risk", "is_at_risk"),
            )
            if mine and mine[0].get(column)
        ]
        return render(
            "member.html",
            lang=chosen,
            w=words,
            member=profile,
            roles=mine[0] if mine else {},
            flags=flags,
            weekly=records(data.member_weekly(member_id)),
            figures=member_figures(data, member_id, words),
            csv_url=f"/api/v1/members/{quote(member_id, safe='')}/weekly.csv",
        )

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        if name != "plotly.min.js" and name not in STATIC_FILES:
            return Response(status_code=404)
        body, media = static_body(name)
        return Response(
            body, media_type=media, headers={"Cache-Control": "private, max-age=3600"}
        )

    return router
