"""Quality, speed and size of the static embedder against its teacher, USE.

``run()``:

* quality, on the held-out texts of :mod:`training.train_embeddings` (never trained on):
  mean cosine to USE in the reduced (PCA, 256-d) space, nearest-neighbour agreement with USE
  (overlap@10 over 3,000 texts, full 512-d USE), and FAQ retrieval top-1 on the hand-written
  ``tests/data/embeddings/faq_paraphrases.csv``, for the student and for USE itself. The
  teacher vectors come from ``build/embeddings/`` when cached there by a training run,
  otherwise they are recomputed (about four minutes on two cores);
* speed, in a child process (its peak memory is its own), one core: 200,000 generated chat
  messages (``bench_enrich.generate_texts``) through the static model, 2,000 through USE;
* size: the model files on disk, bytes a stored vector takes.

Writes ``bench/results/embeddings_quality.json``. The 1,000,000-message figure with DuckDB
read and write is ``bench_enrich``'s (b).
"""

from __future__ import annotations

import time
from typing import Any

from bench._measure import measure_in_child, write_result

SPEED_ROWS = 200_000
USE_ROWS = 2_000


def _speed() -> dict[str, Any]:
    from bench.bench_enrich import generate_texts
    from tribu.text import Embedder

    texts = generate_texts(SPEED_ROWS, seed=3)
    static = Embedder(model="static", dtype="float32").fit()
    started = time.perf_counter()
    static.transform(texts)
    static_seconds = time.perf_counter() - started
    use = Embedder(model="use", dtype="float32").fit()
    started = time.perf_counter()
    use.transform(texts[:USE_ROWS])
    use_seconds = time.perf_counter() - started
    return {
        "static": {
            "rows": SPEED_ROWS,
            "seconds": round(static_seconds, 2),
            "rows_per_s": round(SPEED_ROWS / static_seconds, 1),
        },
        "use": {
            "rows": USE_ROWS,
            "seconds": round(use_seconds, 2),
            "rows_per_s": round(USE_ROWS / use_seconds, 1),
        },
    }


def _size() -> dict[str, Any]:
    from tribu.text.static_embedder import MODEL_DIR, StaticModel

    model = StaticModel()
    files = {
        p.name: p.stat().st_size for p in sorted(MODEL_DIR.glob("embedding_static*"))
    }
    return {
        "files_bytes": files,
        "total_bytes": sum(files.values()),
        "vocabulary": len(model.vocabulary),
        "buckets": model.buckets,
        "dim": model.dim,
        "stored_bytes_per_message": model.dim,  # int8, one byte a dimension
        "model_id": model.model_id,
    }


def run() -> dict[str, Any]:
    """Measure quality, speed and size; write and return the results."""
    from training.train_embeddings import distillation_data, quality

    from tribu.text.static_embedder import StaticModel

    started = time.perf_counter()
    data = distillation_data()
    figures = quality(
        StaticModel(), data["held_texts"], data["target_held"], data["teacher_held"]
    )
    _, speed, peak_mb = measure_in_child(_speed)
    static = speed["static"]
    return write_result(
        "embeddings_quality",
        {
            "what": "static embedder distilled from USE (multilingual v3): held-out "
            "quality against USE, FAQ retrieval, encoding speed on one core (no DuckDB), "
            "model size",
            "held_out_texts": len(data["held_texts"]),
            "quality": figures,
            "speed": speed,
            "speedup_over_use": round(
                static["rows_per_s"] / speed["use"]["rows_per_s"], 1
            ),
            "size": _size(),
            "rows": static["rows"],
            "seconds": static["seconds"],
            "rows_per_s": static["rows_per_s"],
            "peak_memory_mb": round(peak_mb, 1),
            "bench_seconds": round(time.perf_counter() - started, 1),
        },
    )


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
