"""A client generated from docs/openapi.json reads every measure of a warehouse (issue 21).

``python tools/client_check.py [--db build/demo/demo.duckdb]`` (``make client-check``):

1. makes a throw-away virtual environment (``build/client-check/venv``) with
   ``openapi-python-client`` (a maintained generator, from PyPI; not a tribu dependency);
2. generates the ``tribu_client`` package from the published ``docs/openapi.json`` alone
   (no server is asked for its schema) and installs it there;
3. starts ``tribu serve`` on the warehouse (a free loopback port, a token made for the run);
4. with the generated client only, reads every measure the server lists, page by page
   (``measure_<name>``, 5,000 rows a page), and the dashboard's answers (status, filters,
   every chart, summary, scorecard, business, creators), with ``raise_on_unexpected_status``;
   every field of every measure row must have been parsed to the type its schema says
   (``format: date`` to ``datetime.date``, ``date-time`` to an aware ``datetime``...);
5. stops the server, prints the figures and writes them to ``build/client-check/result.json``.

Exit 1 on the first error. The generator is lenient (a value it cannot parse stays a string),
hence the type check of step 4.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "client-check"
GENERATOR = "openapi-python-client==0.29.1"

READER = r"""
import datetime, importlib, json, sys, time
import attrs
import httpx
from tribu_client import AuthenticatedClient
from tribu_client.api.business import business
from tribu_client.api.creators import creators
from tribu_client.api.dashboard import chart, filter_options, list_charts, scorecard, summary
from tribu_client.api.measures import list_measures
from tribu_client.api.server import server_status

url, token, schema_path = sys.argv[1:4]
schema = json.load(open(schema_path, encoding="utf-8"))
components = schema["components"]["schemas"]
client = AuthenticatedClient(
    base_url=url, token=token, raise_on_unexpected_status=True,
    timeout=httpx.Timeout(900.0),
)


def expected(prop):
    kinds = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    return kinds[0] if kinds else {}


def check_type(value, prop, where):
    if value is None:
        return
    want = expected(prop)
    kind, fmt = want.get("type"), want.get("format")
    if fmt == "date":
        ok = isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
    elif fmt == "date-time":
        ok = isinstance(value, datetime.datetime) and value.tzinfo is not None
    elif kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "string":
        ok = isinstance(value, str)
    elif kind == "array":
        ok = isinstance(value, list)
    else:
        ok = True
    if not ok:
        raise SystemExit(f"{where}: {value!r} is not of type {want}")


started = time.monotonic()
figures = {"measures": {}, "other_operations": []}
fields = 0
status = server_status.sync(client=client)
figures["other_operations"].append("server_status")
for name in ("filter_options", "list_charts", "summary", "scorecard", "business", "creators"):
    module = globals()[name]
    answer = module.sync(client=client)
    assert answer is not None, name
    figures["other_operations"].append(name)
for name in list_charts.sync(client=client):
    answer = chart.sync(client=client, chart=name)
    assert answer.chart == name, answer
    figures["other_operations"].append(f"chart {name}")

for info in list_measures.sync(client=client):
    module = importlib.import_module(f"tribu_client.api.measures.measure_{info.name}")
    offset, rows = 0, 0
    while True:
        page = module.sync(client=client, offset=offset, limit=5000)
        model = type(page).__name__
        if not model.endswith("Rows"):
            raise SystemExit(f"{info.name}: got {model}: {page}")
        props = components[model.removesuffix("s")]["properties"]
        for row in page.rows:
            # the generator renames columns to Python names (T -> t), in the schema's order
            names = [f.name for f in attrs.fields(type(row)) if f.init]
            if len(names) != len(props):
                raise SystemExit(f"{info.name}: fields {names} against {list(props)}")
            for attribute, (column, prop) in zip(names, props.items()):
                check_type(getattr(row, attribute), prop, f"{info.name}.{column}")
                fields += 1
        rows += len(page.rows)
        offset += len(page.rows)
        if offset >= page.total or not page.rows:
            break
    if rows != page.total:
        raise SystemExit(f"{info.name}: read {rows} rows of {page.total}")
    figures["measures"][info.name] = rows
figures["fields_checked"] = fields
figures["rows"] = sum(figures["measures"].values())
figures["seconds"] = round(time.monotonic() - started, 1)
print(json.dumps(figures))
"""


def _run(*command: str | Path, **kwargs: object) -> None:
    subprocess.run([str(c) for c in command], check=True, **kwargs)  # type: ignore[call-overload]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not answer within {seconds:.0f} s")


def generate_client() -> Path:
    """The throw-away venv's python, with the client generated from docs/openapi.json."""
    venv = WORK / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        _run(sys.executable, "-m", "venv", venv)
        _run(python, "-m", "pip", "install", "--quiet", GENERATOR)
    out = WORK / "tribu-client"
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    _run(
        venv / "bin" / "openapi-python-client",
        "generate",
        "--path",
        ROOT / "docs" / "openapi.json",
        "--meta",
        "setup",
        "--output-path",
        out,
        "--overwrite",
        env=env,
    )
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", out)
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "build/demo/demo.duckdb")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"No warehouse at {args.db}: run 'make demo' first, or pass --db PATH.")
        return 1
    WORK.mkdir(parents=True, exist_ok=True)
    python = generate_client()
    from tribu.web.auth import TokenStore

    with tempfile.TemporaryDirectory() as scratch:
        tokens_file = Path(scratch) / "tokens.json"
        _, token = TokenStore(tokens_file).create("viewer", "client check")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "tribu.cli", "serve", "--db", str(args.db)]
            + ["--port", str(port)],
            env={**os.environ, "TRIBU_TOKENS": str(tokens_file)},
        )
        try:
            _wait_for(url, 300)
            done = subprocess.run(
                [
                    str(python),
                    "-c",
                    READER,
                    url,
                    token,
                    str(ROOT / "docs/openapi.json"),
                ],
                capture_output=True,
                text=True,
            )
        finally:
            server.terminate()
            server.wait(timeout=60)
    if done.returncode != 0:
        print(done.stdout + done.stderr)
        return 1
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures |= {"generator": GENERATOR, "warehouse": str(args.db)}
    (WORK / "result.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(
        f"generated client ({GENERATOR}) read {len(figures['measures'])} measures, "
        f"{figures['rows']} rows ({figures['fields_checked']} fields typed as declared) "
        f"and {len(figures['other_operations'])} other answers in {figures['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
