"""Property: whatever hostile copy of a real sample is ingested, the outcome is success,
success with quarantined records, or one clean TribuError line, and a failed ingest leaves
the warehouse as it was (its tables' counts and contents hashed before and after).

Hypothesis draws the sample, the mutation (bytes, JSON values, archives, folders: see
``bench/_fuzz_inputs.py``) and its seed. The normal run tries a few derandomized examples per
connector (seconds); ``make fuzz`` runs 300 per connector in a watched worker process (memory,
time) and writes ``bench/results/fuzz.json``; ``TRIBU_FUZZ_EXAMPLES=200 pytest
tests/test_fuzz.py`` runs more here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from bench._fuzz_inputs import CONNECTORS, MUTATIONS, Case, mutations_for, samples
from bench._fuzz_run import GOOD, base_warehouse, fingerprint, run_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("TRIBU_FUZZ_EXAMPLES", "2"))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    db = base_warehouse(tmp_path_factory.mktemp("fuzz-base"))
    return db, fingerprint(db)


@st.composite
def cases(draw: st.DrawFn, connector: str) -> Case:
    sample = draw(st.sampled_from(samples(connector)))
    mutation = draw(st.sampled_from(mutations_for(sample)))
    seed = draw(st.integers(min_value=0, max_value=2**31 - 1))
    return Case(connector, sample, mutation, seed)


@pytest.mark.parametrize("connector", CONNECTORS)
def test_hostile_copies_end_well(connector: str, base: tuple[Path, object]) -> None:
    db, before = base

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(case=cases(connector))
    def check(case: Case) -> None:
        with tempfile.TemporaryDirectory(prefix="tribu-fuzz-") as work:
            outcome = run_case(case, Path(work) / "case", db, before)
        assert outcome.kind in GOOD, outcome

    check()


def test_every_connector_has_samples_and_every_mutation_is_used() -> None:
    for connector in CONNECTORS:
        assert samples(connector), connector
    used = {m for c in CONNECTORS for s in samples(c) for m in mutations_for(s)}
    assert used == set(MUTATIONS)


@pytest.mark.parametrize(
    ("sample", "mutation"),
    [
        ("tests/data/slack/testarchive.zip", "zip_lying_size"),
        ("tests/data/slack/testarchive.zip", "zip_bomb"),
        ("tests/data/slack/testarchive.zip#folder", "symlink_out"),
        ("tests/data/messenger/inbox", "symlink_out"),
        ("tests/data/discourse/topic.json", "deep"),
        ("tests/data/telegram/bot.json", "surrogate"),
    ],
)
def test_named_attacks_end_well(
    sample: str, mutation: str, base: tuple[Path, object], tmp_path: Path
) -> None:
    root = Path(__file__).resolve().parents[1]
    connector = Path(sample).parts[2]
    for seed in (0, 1):  # one forced connector, one detected
        case = Case(connector, str(root / sample), mutation, seed)
        outcome = run_case(case, tmp_path / "case", base[0], base[1])
        assert outcome.kind in GOOD, outcome
