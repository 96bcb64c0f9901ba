"""`tribu polls`: what the community answered, in polls and questionnaires.

Thin on purpose: open the warehouse's tables, call :func:`tribu.polls.view.polls_view`,
render. ``--json`` prints one JSON document; ``--csv`` prints each section as CSV after a
``# section: NAME`` line (``--section NAME`` keeps one, header and rows only).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from tribu.commands._sections_output import (
    CsvOption,
    DbOption,
    JsonOption,
    SectionOption,
    emit_sections,
    show_table,
)

__all__ = ["register"]


def polls(
    db: DbOption = None,
    community: Annotated[
        str | None,
        typer.Option(
            "--community", help="Only this community's polls and surveys (discord:900)."
        ),
    ] = None,
    confidence: Annotated[
        float,
        typer.Option(
            "--confidence",
            min=0.5,
            max=0.999,
            help="Coverage of the Wilson intervals on shares (default 0.95).",
        ),
    ] = 0.95,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    section: SectionOption = None,
) -> None:
    """Polls and questionnaires: shares with intervals, participation, scores, segments.

    Sections: polls, poll_results, poll_segments, surveys, survey_results, survey_scores,
    survey_segments (see docs/polls.md).
    """
    from tribu.polls.view import polls_view
    from tribu.warehouse.engines import ibis_tables

    view = polls_view(ibis_tables(db), confidence=confidence, community=community)
    extra = {"confidence": confidence}
    if emit_sections(
        view.sections, extra, as_json=as_json, as_csv=as_csv, section=section
    ):
        return
    console, s = Console(), view.sections
    if view.empty:
        console.print(
            "No polls nor questionnaire responses yet: ingest an export holding polls, "
            "or load one with `tribu load survey FILE`."
        )
        return
    show_table(
        console,
        "Polls",
        s["polls"],
        [
            "ts",
            "community",
            "question",
            "asked_by_brand",
            "voters",
            "participation",
            "leader",
            "leader_share",
        ],
    )
    level = f"{confidence:.0%}"
    show_table(
        console,
        f"Poll answers (share of voters, Wilson {level} interval)",
        s["poll_results"],
        ["question", "option", "votes", "base", "share", "share_low", "share_high"],
    )
    show_table(
        console,
        "Questionnaires",
        s["surveys"],
        ["survey_id", "source", "responses", "members", "customers", "participation"],
    )
    show_table(
        console,
        f"Questionnaire choices (Wilson {level} interval)",
        s["survey_results"],
        [
            "survey_id",
            "question",
            "option",
            "votes",
            "base",
            "share",
            "share_low",
            "share_high",
        ],
    )
    show_table(
        console,
        "Scales, NPS and free text",
        s["survey_scores"],
        ["survey_id", "question", "kind", "responses", "mean", "nps", "mean_sentiment"],
    )
    for name, title in (
        ("poll_segments", "Poll votes by role and audience"),
        ("survey_segments", "Questionnaire choices by role and audience"),
    ):
        if not s[name].empty:
            show_table(
                console,
                title,
                s[name],
                ["option", "role", "audience", "votes", "voters", "responses", "share"],
            )
    console.print(
        f"[dim]{escape('Shares of small polls are uncertain: read the interval.')}[/]"
    )


def register(app: typer.Typer) -> None:
    """Add ``polls`` to `app`."""
    app.command("polls")(polls)
