"""The one clustering recipe of ``tribu listen`` and ``tribu eval clusters``.

:func:`fit_topics` takes texts and their stored-space vectors, draws the seeded sample
(``sample_size``), embeds the sample in the clustering space (:mod:`tribu.listening._vectors`),
fits :class:`~tribu.listening.clustering.TopicClusterer` and assigns every message. Both the
command and the evaluation call it, so what is measured is what users get.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tribu.listening import _vectors
from tribu.listening.clustering import TopicClusterer

__all__ = ["SAMPLE_SIZE", "SEED", "FittedTopics", "fit_topics"]

SAMPLE_SIZE = 4_000
SEED = 0


@dataclass
class FittedTopics:
    """Result of :func:`fit_topics`: a topic index per message (−1 none), centres, radii."""

    labels: np.ndarray
    centres: np.ndarray
    radii: np.ndarray
    sample: np.ndarray
    clustering_space: str


def fit_topics(
    texts: Sequence[str] | Callable[[np.ndarray], list[str]],
    stored_vectors: np.ndarray,
    *,
    stored_model: str | None = None,
    sample_size: int = SAMPLE_SIZE,
    clusterer: TopicClusterer | None = None,
    on_step: Callable[[str], None] | None = None,
    strong: bool = True,
) -> FittedTopics:
    """Cluster a seeded sample of the messages and assign them all to the topics found.

    ``texts`` are the messages' texts, or a function giving the texts of some row
    numbers (only the sample's are read). ``strong=False`` clusters the sample in the
    stored space (synthetic vectors, tests, fast incremental runs).
    """
    n = len(stored_vectors)
    rng = np.random.default_rng(SEED)
    usable = (
        np.flatnonzero(np.any(np.asarray(stored_vectors) != 0, axis=1))
        if n
        else np.array([], dtype=np.int64)
    )
    if len(usable) > sample_size:
        sample = np.sort(rng.choice(usable, size=sample_size, replace=False))
    else:
        sample = usable
    if on_step:
        on_step(f"embedding a sample of {len(sample)} messages")
    better = None
    if strong and len(sample):
        chosen = texts(sample) if callable(texts) else [texts[i] for i in sample]
        better = _vectors.cluster_vectors(chosen, stored_model)
    sample_stored = np.asarray(stored_vectors[sample], dtype=np.float32)
    if on_step:
        on_step("clustering the sample")
    model = (clusterer or TopicClusterer()).fit(
        sample_stored if better is None else better, sample_stored
    )
    if on_step:
        on_step(f"assigning {n} messages to {len(model.centres_)} topics")
    labels = model.predict(stored_vectors)
    labels[sample] = model.labels_
    return FittedTopics(
        labels=labels,
        centres=model.centres_,
        radii=model.radii_,
        sample=sample,
        clustering_space="stored" if better is None else _vectors.CLUSTER_MODEL,
    )
