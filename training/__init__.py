"""Training of tribu's shipped text models: a workshop beside the package, never installed.

``python -m training.train_sentiment`` (``make train-sentiment``) and
``python -m training.train_embeddings`` (``make train-embeddings``) rebuild the weight files in
``src/tribu/text/models/``. Training may import tribu; tribu never imports training.

Reproducibility: the shipped weights were fitted with OpenBLAS's ``Zen`` kernels. OpenBLAS picks
its kernels by CPU, and the L-BFGS fit of the sentiment model follows the last bits of the sums,
so another kernel gives other weights (same figures within about 0.001 macro-F1). Importing this
package first (as ``python -m training.…`` does) sets ``OPENBLAS_CORETYPE=Zen`` unless it is
already set, before numpy is loaded, so a retrain reproduces the shipped files byte for byte on
any x86-64 CPU with AVX2. Set ``OPENBLAS_CORETYPE`` yourself to use other kernels.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_CORETYPE", "Zen")
