"""Contract run: Schemathesis against the app in process, every check on (issue 21).

Schemathesis (maintained, MIT) reads the app's own ``/api/v1/openapi.json`` and sends what the
schema allows and what it refuses, in all its phases (examples, coverage of boundaries and
undeclared methods, random fuzzing, stateful sequences), with every check on: no server error,
status codes, content types, headers and bodies as declared, schema-valid requests accepted,
schema-invalid ones refused, ``405`` with ``Allow``, no answer without the token. It talks to
the app through ASGI (no socket), so it runs in the test suite.

The operations are the schema's, so a route added to the app is fuzzed with no change here.

``python -m tests.web.contract [--examples N] [--seed S] [--db PATH]`` (``make fuzz-api``) runs
a longer pass and prints the figures; ``tests/web/test_contract.py`` runs a short one.

One rule is left out of generation: ``since`` after ``until`` (a rule between two parameters
that OpenAPI cannot state; the server answers ``400``, as declared). Nothing else is filtered.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import logging
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from tribu.web.app import create_app
from tribu.web.auth import TokenStore

SCHEMA_PATH = "/api/v1/openapi.json"


@dataclass
class ContractResult:
    """What a contract run did and found."""

    operations: set[str] = field(default_factory=set)
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stop_reason: str = ""

    def summary(self) -> str:
        """One line of figures."""
        return (
            f"{len(self.operations)} operations, {self.cases} requests, "
            f"{len(self.failures)} failures in {self.seconds:.1f} s ({self.stop_reason})"
        )


def _dates_in_order(context: Any, query: dict[str, Any] | None) -> bool:
    """Leave out ``since`` after ``until`` (refused with 400, a rule OpenAPI cannot state)."""
    if not query:
        return True
    since, until = query.get("since"), query.get("until")
    if not (isinstance(since, str) and isinstance(until, str)):
        return True
    try:
        return dt.date.fromisoformat(since) <= dt.date.fromisoformat(until)
    except ValueError:  # not dates: a negative case, kept
        return True


def contract_run(
    db: Path, *, examples: int = 2, seed: int = 21, folder: Path | None = None
) -> ContractResult:
    """Run Schemathesis over the app serving warehouse ``db``; return the figures.

    The app gets its own token store (the run revokes tokens it finds) with one admin token,
    which the server will not let revoke itself.
    """
    with tempfile.TemporaryDirectory() as scratch:
        place = Path(folder or scratch)
        tokens = TokenStore(place / "contract-tokens.json")
        _, admin = tokens.create("admin", "contract run")
        tokens.create("viewer", "contract run")
        app = create_app(
            db, tokens=tokens, watch=False, snapshot_folder=place / "snapshots"
        )
        try:
            return _run(app, admin, examples=examples, seed=seed)
        finally:
            app.state.snapshots.close()


def _run(app: Any, token: str, *, examples: int, seed: int) -> ContractResult:
    config = SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "headers": {"Authorization": f"Bearer {token}"},
            "workers": 1,
            "continue-on-failure": True,
            "request-timeout": 300,  # a shared 2-core machine: slow is not a failure
            "checks": {"enabled": True},
            "generation": {"max-examples": examples},
        }
    )
    # the schema as GET /api/v1/openapi.json serves it (tests/web/test_contract.py checks
    # that), built here first: building it may take longer than a request's time-out
    schema = schemathesis.openapi.from_dict(app.openapi(), config=config)
    schema.app = app
    schema.location = SCHEMA_PATH
    schema.hook("filter_query")(_dates_in_order)
    result = ContractResult()
    started = time.monotonic()
    seen: collections.Counter[str] = collections.Counter()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            result.operations.add(recorder.label)
            result.cases += len(recorder.cases)
            for checks in recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        title = check.failure_info.failure.title
                        key = f"{recorder.label}: {check.name}: {title}"
                        if not seen[key]:
                            message = check.failure_info.failure.message
                            result.failures.append(f"{key}\n    {message[:400]}")
                        seen[key] += 1
        elif isinstance(event, events.NonFatalError):
            result.failures.append(f"{event.label}: error: {event.value!r}")
        elif isinstance(event, events.FatalError):
            result.failures.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            result.stop_reason = str(event.stop_reason)
    result.seconds = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> int:
    """``make fuzz-api``: a longer contract run; exit 1 on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50, help="per operation")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument(
        "--db", type=Path, help="a warehouse (default: the test fixture, built here)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.CRITICAL
    )  # server errors are counted, not printed
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db
        if db is None:
            from tests.report.fixture_warehouse import build_fixture_warehouse

            db = build_fixture_warehouse(Path(scratch) / "fixture.duckdb")
        result = contract_run(
            db, examples=args.examples, seed=args.seed, folder=Path(scratch)
        )
    for failure in result.failures:
        print(failure)
    print(f"contract run (seed {args.seed}, {args.examples} examples/operation):")
    print(result.summary())
    return 1 if result.failures or not result.operations else 0


if __name__ == "__main__":
    sys.exit(main())
