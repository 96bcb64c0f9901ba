"""Write a questionnaire export into ``survey_responses`` and ``survey_answers``, all or nothing.

:func:`load_survey` reads the file (:mod:`tribu.firstparty._survey_read`), links respondents
and writes in one transaction:

- a respondent's hidden handle becomes the member id the community's export gave them (the
  same keyed pseudonym, or ``<community>/<key>`` in a ``--keep-names`` warehouse), so answers can
  be split by role and by members vs customers; a hidden customer id is kept as it is;
- the e-mail is never stored: only a keyed digest (``respondent_id``) to count repeat answers;
- free-text answers are scored for sentiment with tribu's shipped model (:mod:`tribu.text`);
- each NPS answer is also a row of ``nps`` (channel ``survey:<survey id>``), so the existing
  NPS measures count it;
- unreadable rows go to ``quarantine`` with their place, under an ``ingest_runs`` row for the
  file. Loading the same file again changes nothing (its hash is known); a later export of the
  same survey replaces the responses it names.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from tribu.errors import InputError
from tribu.firstparty._survey_read import Survey, read_survey
from tribu.warehouse._people import pseudonym_digest
from tribu.warehouse.store import pseudonym_secret, transaction

__all__ = ["SurveyLoad", "load_survey"]


@dataclass
class SurveyLoad:
    """What a survey load did."""

    survey_id: str
    file: str
    tool: str
    responses: int = 0
    answers: int = 0
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    questions: dict[str, str] = field(default_factory=dict)  # question -> kind
    linked_members: int = 0  # responses whose member is in `members`
    unknown_members: int = 0  # handles given but not (yet) in `members`
    nps_rows: int = 0
    skipped: bool = False  # the same file was loaded before


def _member_id(
    con: duckdb.DuckDBPyConnection, secret: bytes, community_id: str, handle: str
) -> str:
    kept = f"{community_id}/{handle}"
    found = con.execute("SELECT 1 FROM members WHERE member_id = ?", [kept]).fetchone()
    if found:
        return kept
    return "m_" + pseudonym_digest(secret, community_id, handle)[:16]


def load_survey(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    survey_id: str | None = None,
    community_id: str | None = None,
    kinds: dict[str, str] | None = None,
) -> SurveyLoad:
    """Validate a Typeform, Google Forms or Tally export and load it in one transaction.

    Parameters
    ----------
    con
        An open warehouse.
    path
        The CSV or JSON response export.
    survey_id
        The questionnaire's id (default: the file's name without its extension).
    community_id
        The community the questionnaire was sent to (``discord:900``): links hidden handles to
        its members and makes participation measurable.
    kinds
        Question -> kind (``choice``, ``multiple``, ``scale``, ``nps``, ``text``) overriding
        the guess made for CSV columns.
    """
    file = Path(path)
    survey = read_survey(file, kinds)
    if not survey.responses and not survey.quarantined:
        raise InputError(file, None, "no response in the file.")
    sid = survey_id or file.stem
    result = SurveyLoad(sid, str(file), survey.tool, questions=dict(survey.questions))
    result.quarantined = [(where, why) for where, why, _ in survey.quarantined]
    if community_id is not None:
        known = con.execute(
            "SELECT 1 FROM communities WHERE community_id = ?", [community_id]
        ).fetchone()
        if not known:
            raise InputError(
                file,
                None,
                f"no community {community_id!r} in the warehouse; ingest its export "
                "first or leave out --community.",
            )
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    seen = con.execute(
        "SELECT 1 FROM ingest_runs WHERE sha256 = ? AND platform = 'survey' "
        "AND source = ?",
        [digest, str(file)],
    ).fetchone()
    if seen:
        result.skipped = True
        result.responses = len(survey.responses)
        return result
    secret = pseudonym_secret(con)
    tables = _tables(con, secret, survey, sid, community_id, result)
    started = datetime.now(UTC)
    run_id = uuid.uuid4().hex
    with transaction(con):
        for name, table in tables.items():
            con.register(f"_survey_{name}", table)
        try:
            _write(con, sid)
            result.nps_rows = _write_nps(con, sid)
            counts = {
                "responses": result.responses,
                "answers": result.answers,
                "quarantined": len(survey.quarantined),
            }
            con.execute(
                "INSERT INTO ingest_runs VALUES (?, ?, 'survey', ?, ?, ?, ?)",
                [
                    run_id,
                    str(file),
                    digest,
                    started,
                    datetime.now(UTC),
                    json.dumps(counts),
                ],
            )
            if survey.quarantined:
                con.executemany(
                    "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?)",
                    [
                        (run_id, str(file), where, why, raw[:4096])
                        for where, why, raw in survey.quarantined
                    ],
                )
        finally:
            for name in tables:
                con.unregister(f"_survey_{name}")
    return result


def _tables(
    con: duckdb.DuckDBPyConnection,
    secret: bytes,
    survey: Survey,
    sid: str,
    community_id: str | None,
    result: SurveyLoad,
) -> dict[str, pa.Table]:
    """The responses and answers as Arrow tables, with members linked and sentiment scored."""
    responses: dict[str, list[object]] = {
        n: []
        for n in (
            "response_id",
            "survey_id",
            "community_id",
            "ts",
            "member_id",
            "customer_id",
            "respondent_id",
            "source",
        )
    }
    answers: dict[str, list[object]] = {
        n: []
        for n in (
            "response_id",
            "survey_id",
            "question_id",
            "question",
            "kind",
            "choice",
            "number",
            "text",
        )
    }
    by_id = {r.response_id: r for r in survey.responses}  # unique (read_survey)
    members: list[str] = []
    for response in by_id.values():
        member = None
        if response.handle and community_id is not None:
            member = _member_id(con, secret, community_id, response.handle)
            members.append(member)
        who = (response.email or "").strip().lower() or response.handle
        respondent = (
            "r_" + pseudonym_digest(secret, f"survey:{sid}", who)[:16] if who else None
        )
        for name, value in (
            ("response_id", response.response_id),
            ("survey_id", sid),
            ("community_id", community_id),
            ("ts", response.ts),
            ("member_id", member),
            ("customer_id", response.customer_id),
            ("respondent_id", respondent),
            ("source", survey.tool),
        ):
            responses[name].append(value)
        for answer in response.answers:
            for name, cell in (
                ("response_id", response.response_id),
                ("survey_id", sid),
                ("question_id", answer.question_id),
                ("question", answer.question),
                ("kind", answer.kind),
                ("choice", answer.choice),
                ("number", answer.number),
                ("text", answer.text),
            ):
                answers[name].append(cell)
    texts = [t for t in answers["text"] if isinstance(t, str)]
    scores = iter(_sentiment(texts)) if texts else iter(())
    answers["sentiment"] = [
        float(next(scores)) if isinstance(t, str) else None for t in answers["text"]
    ]
    if members:
        found = con.execute(
            "SELECT count(*) FROM members WHERE list_contains(?, member_id)", [members]
        ).fetchone()
        result.linked_members = int(found[0]) if found else 0
        result.unknown_members = len(members) - result.linked_members
    result.responses = len(by_id)
    result.answers = len(answers["kind"])
    ts = pa.timestamp("us", tz="UTC")
    response_types = {"ts": ts}
    answer_types = {"number": pa.float64(), "sentiment": pa.float64()}
    return {
        "responses": pa.table(
            {
                n: pa.array(v, response_types.get(n, pa.string()))
                for n, v in responses.items()
            }
        ),
        "answers": pa.table(
            {
                n: pa.array(v, answer_types.get(n, pa.string()))
                for n, v in answers.items()
            }
        ),
    }


def _sentiment(texts: list[str]) -> list[float]:
    from tribu.text import score_sentiment

    return [float(s) for s in score_sentiment(texts)]


def _write(con: duckdb.DuckDBPyConnection, sid: str) -> None:
    """Replace the responses this file names (and their answers), then insert."""
    con.execute(
        "DELETE FROM survey_answers WHERE survey_id = ? AND response_id IN "
        "(SELECT response_id FROM _survey_responses)",
        [sid],
    )
    con.execute(
        "DELETE FROM survey_responses WHERE survey_id = ? AND response_id IN "
        "(SELECT response_id FROM _survey_responses)",
        [sid],
    )
    con.execute(
        "INSERT INTO survey_responses SELECT response_id, survey_id, community_id, ts, "
        "member_id, customer_id, respondent_id, source FROM _survey_responses"
    )
    con.execute(
        "INSERT INTO survey_answers SELECT response_id, survey_id, question_id, question, "
        "kind, choice, number, text, sentiment FROM _survey_answers"
    )


def _write_nps(con: duckdb.DuckDBPyConnection, sid: str) -> int:
    """Each NPS answer as a row of ``nps`` (channel ``survey:<id>``), replacing its copy."""
    channel = f"survey:{sid}"
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _survey_nps AS
        SELECT r.customer_id, r.ts, CAST(a.number AS INTEGER) AS score, ? AS channel
        FROM _survey_answers a JOIN _survey_responses r USING (response_id)
        WHERE a.kind = 'nps'
        """,
        [channel],
    )
    try:
        con.execute(
            """
            DELETE FROM nps WHERE channel = ? AND EXISTS (
                SELECT 1 FROM _survey_nps s WHERE s.ts = nps.ts
                AND s.customer_id IS NOT DISTINCT FROM nps.customer_id)
            """,
            [channel],
        )
        con.execute("INSERT INTO nps SELECT * FROM _survey_nps")
        row = con.execute("SELECT count(*) FROM _survey_nps").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.execute("DROP TABLE IF EXISTS _survey_nps")
