"""``tribu people suggest | merge | reject | unmerge | show``: one person across platforms.

Thin: parse, call :mod:`tribu.people.store`, render. See ``docs/people.md``.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from tribu.commands._sections_output import DbOption

__all__ = ["people_app", "register"]

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why (kept in the history of decisions).")
]
ActorOption = Annotated[
    str | None,
    typer.Option("--actor", help="Who decides (default: your user name)."),
]

people_app = typer.Typer(
    help="One person across platforms: merge suggestions, merges, undo, history.",
    no_args_is_help=True,
)


@contextmanager
def _warehouse(db: Path | None) -> Iterator[Any]:
    from tribu.errors import WarehouseError
    from tribu.warehouse.store import open_warehouse, resolve_db_path

    path = resolve_db_path(db)
    if not path.is_file():
        raise WarehouseError(
            f"No warehouse at {path}. Pass --db PATH or run 'tribu ingest'."
        )
    con = open_warehouse(path)
    try:
        yield con
    finally:
        con.close()


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@people_app.command("suggest")
def people_suggest(
    db: DbOption = None,
    no_auto: Annotated[
        bool,
        typer.Option(
            "--no-auto", help="Merge nothing automatically: every pair is a suggestion."
        ),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Suggestions to print.")
    ] = 20,
    as_json: JsonOption = False,
) -> None:
    """Find members of different communities who are one person; merge the sure ones."""
    from rich.progress import Progress

    from tribu.people.store import suggest, suggestions

    with _warehouse(db) as con:
        with Progress(transient=True, disable=as_json) as bar:
            task = bar.add_task("comparing members", total=None)

            def progress_cb(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = suggest(con, auto=not no_auto, on_progress=progress_cb)
        shown = suggestions(con, limit=limit)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "members": report.members,
                    "compared_pairs": report.compared,
                    "auto_merged": report.auto_merged,
                    "suggestions": report.suggestions,
                    "top": shown,
                },
                ensure_ascii=False,
            )
        )
        return
    typer.echo(
        f"{report.members} members, {report.compared} pairs compared: "
        f"{len(report.auto_merged)} merged automatically, "
        f"{report.suggestions} suggestions to review."
    )
    for s in shown:
        kinds = ", ".join(e["kind"] for e in s["evidence"])
        typer.echo(
            f"  {s['confidence']:.2f}  {s['member_a']} ({s['a']['community_id']}, "
            f"{s['a']['display_name']})  ~  {s['member_b']} ({s['b']['community_id']}, "
            f"{s['b']['display_name']})  [{kinds}]"
        )
    if report.suggestions:
        typer.echo(
            "Accept with 'tribu people merge A B', refuse with 'tribu people reject A B', "
            "or review them in the dashboard (/people)."
        )


@people_app.command("merge")
def people_merge(
    member_a: Annotated[str, typer.Argument(help="A member id.")],
    member_b: Annotated[str, typer.Argument(help="Another member id.")],
    db: DbOption = None,
    reason: ReasonOption = "",
    actor: ActorOption = None,
) -> None:
    """Make two members (and the people they belong to) one person."""
    from tribu.people.store import merge, person_of

    with _warehouse(db) as con:
        decision = merge(con, member_a, member_b, actor=_actor(actor), reason=reason)
        person = person_of(con, member_a)
    typer.echo(
        f"Merged into {person} (decision {decision}; undo: tribu people unmerge {decision})."
    )


@people_app.command("reject")
def people_reject(
    member_a: Annotated[str, typer.Argument(help="A member id.")],
    member_b: Annotated[str, typer.Argument(help="Another member id.")],
    db: DbOption = None,
    reason: ReasonOption = "",
    actor: ActorOption = None,
) -> None:
    """Record that two members are different people: never suggested again."""
    from tribu.people.store import reject

    with _warehouse(db) as con:
        decision = reject(con, member_a, member_b, actor=_actor(actor), reason=reason)
    typer.echo(f"Rejected (decision {decision}).")


@people_app.command("unmerge")
def people_unmerge(
    target: Annotated[
        str, typer.Argument(help="A merge's decision id, or a merged member id.")
    ],
    db: DbOption = None,
    reason: ReasonOption = "",
    actor: ActorOption = None,
) -> None:
    """Undo a merge exactly; the pair is then rejected (not suggested again)."""
    from tribu.people.store import unmerge

    with _warehouse(db) as con:
        decision = unmerge(con, target, actor=_actor(actor), reason=reason)
    typer.echo(f"Unmerged (decision {decision}).")


@people_app.command("show")
def people_show(
    member: Annotated[
        str | None, typer.Argument(help="A member id (default: a summary).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A member's person (members, decisions), or a summary of people and decisions."""
    from tribu.people.store import decisions, person_view

    with _warehouse(db) as con:
        if member is not None:
            view = person_view(con, member)
        else:
            row = con.execute(
                "SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM person_links), "
                "(SELECT count(*) FROM (SELECT person_id FROM person_links GROUP BY 1 "
                "HAVING count(*) > 1)), (SELECT count(*) FROM people_suggestions)"
            ).fetchone()
            assert row is not None
            view = {
                "people": row[0],
                "members": row[1],
                "people_with_several_members": row[2],
                "open_suggestions": row[3],
                "decisions": decisions(con),
            }
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False))
        return
    if member is not None:
        typer.echo(f"Person {view['person_id']}:")
        for m in view["members"]:
            typer.echo(f"  {m['member_id']}  {m['community_id']}  {m['display_name']}")
    else:
        typer.echo(
            f"{view['people']} people for {view['members']} members "
            f"({view['people_with_several_members']} with several members); "
            f"{view['open_suggestions']} open suggestions."
        )
    if view["decisions"]:
        typer.echo("Decisions:")
    for d in view["decisions"]:
        undone = f" (undone by {d['undone_by']})" if d["undone_by"] else ""
        typer.echo(
            f"  {d['ts'][:19]}  {d['decision_id']}  {d['action']} by {d['actor']}: "
            f"{' + '.join(d['member_ids'])}  {d['reason'] or ''}{undone}"
        )


def register(app: typer.Typer) -> None:
    """Add the ``people`` group to `app`."""
    app.add_typer(people_app, name="people")
