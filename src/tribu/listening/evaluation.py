"""``tribu eval clusters FILE.csv``: clustering quality against human topic labels.

The CSV has columns ``text`` and ``label`` (one topic per message) and optionally ``lang``
(``fr``/``en``; detected when missing). Per language, the texts are embedded in the stored space
of a new warehouse (the static model) and clustered by :func:`tribu.listening.fit.fit_topics`,
exactly as ``tribu listen`` does, blind to the labels. Scores (scikit-learn's metrics) are over
all messages, the unclustered ones scored together as one extra cluster: V-measure, NMI
(arithmetic mean normalisation, equal to V-measure with β = 1), ARI; then the number of
clusters found and the share of messages left unclustered.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from tribu.errors import InputError
from tribu.listening import _vectors
from tribu.listening.fit import fit_topics

__all__ = ["evaluate_clusters", "read_cluster_csv"]


def read_cluster_csv(path: Path) -> list[tuple[str, str, str | None]]:
    """(text, label, lang or None) rows; one clear :class:`InputError` for a bad file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip() for c in reader.fieldnames or []]
            if "text" not in columns or "label" not in columns:
                raise InputError(
                    path,
                    "line 1",
                    f"the header must name the columns 'text' and 'label' "
                    f"(optional 'lang'); got {columns or 'no header'}.",
                )
            rows = []
            for record in reader:
                record = {(k or "").strip(): v for k, v in record.items()}
                text = (record.get("text") or "").strip()
                label = (record.get("label") or "").strip()
                lang = (record.get("lang") or "").strip().lower() or None
                if text and label:
                    rows.append((text, label, lang))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(path, None, f"cannot read the CSV ({exc}).") from exc
    if len({label for _, label, _ in rows}) < 2:
        raise InputError(
            path,
            None,
            "needs at least two different labels to measure clustering; "
            f"got {len({label for _, label, _ in rows})} over {len(rows)} rows.",
        )
    return rows


def evaluate_clusters(rows: list[tuple[str, str, str | None]]) -> dict[str, Any]:
    """``{"languages": {lang: {n, v_measure, nmi, ari, clusters, unclustered_share}}}``."""
    from sklearn import metrics  # here, not at import: the report imports this module

    missing = [i for i, (_, _, lang) in enumerate(rows) if lang is None]
    langs: list[str | None] = [lang for _, _, lang in rows]
    if missing:
        detected = _vectors.languages([rows[i][0] for i in missing])
        for i, code in zip(missing, detected, strict=True):
            langs[i] = code
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, lang in enumerate(langs):
        by_lang[str(lang)].append(i)
    out: dict[str, Any] = {}
    for lang in sorted(by_lang):
        index = by_lang[lang]
        texts = [rows[i][0] for i in index]
        truth = [rows[i][1] for i in index]
        fitted = fit_topics(texts, _vectors.text_vectors(texts), stored_model=None)
        labels = fitted.labels
        out[lang] = {
            "n": len(index),
            "v_measure": round(float(metrics.v_measure_score(truth, labels)), 4),
            "nmi": round(float(metrics.normalized_mutual_info_score(truth, labels)), 4),
            "ari": round(float(metrics.adjusted_rand_score(truth, labels)), 4),
            "clusters": int(len(fitted.centres)),
            "unclustered_share": round(float((labels == -1).mean()), 4),
        }
    return {"languages": out}
