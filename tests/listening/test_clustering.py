"""The clusterer finds well-separated groups itself, drops tiny ones, and is deterministic."""

from __future__ import annotations

import numpy as np

from tribu.listening.clustering import TopicClusterer, assign_nearest, smooth


def _blobs(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.eye(16)[:3]
    truth = np.repeat([0, 1, 2], 30)
    points = centres[truth] + rng.normal(scale=0.05, size=(90, 16))
    return points, truth


def test_three_blobs_three_clusters_and_a_lone_point_unclustered() -> None:
    points, truth = _blobs()
    lone = np.zeros((1, 16))
    lone[0, 10] = 1.0
    model = TopicClusterer().fit(np.vstack([points, lone]))
    labels = model.labels_
    assert len(model.centres_) == 3
    assert labels[-1] == -1  # one message alone is below min_size (3)
    for group in range(3):
        assert len(set(labels[:90][truth == group])) == 1
    # largest first, ties by first member: blob 0 is cluster 0
    assert labels[0] == 0


def test_fit_is_deterministic_and_predict_matches_fit() -> None:
    points, _ = _blobs()
    a = TopicClusterer().fit(points)
    b = TopicClusterer().fit(points)
    assert (a.labels_ == b.labels_).all()
    predicted = a.predict(points)
    # the radius is the 10th percentile of members' cosines: about 9 in 10 are inside it,
    # and every one inside goes back to its own cluster
    inside = predicted >= 0
    assert inside.mean() >= 0.85
    assert (predicted[inside] == a.labels_[inside]).all()


def test_assign_nearest_respects_radii_and_zero_vectors() -> None:
    centres = np.array([[1.0, 0.0], [0.0, 1.0]])
    radii = np.array([0.9, 0.5])
    vectors = np.array([[1.0, 0.1], [0.7, 0.7], [0.0, 0.0], [0.1, 1.0]])
    # [0.7, 0.7]: cosine 0.707 to both -> first centre, but 0.707 < 0.9 -> −1
    assert assign_nearest(vectors, centres, radii).tolist() == [0, -1, -1, 1]


def test_smooth_by_hand() -> None:
    v = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    # row 1's nearest is row 0 (cos 0.8 > 0.6): (0.8 + 1, 0.6 + 0) = (1.8, 0.6) -> (0.949, 0.316)
    out = smooth(v, neighbours=1, weight=1.0)
    assert np.allclose(out[1], [0.9487, 0.3162], atol=1e-4)
