"""Betweenness centrality of members in the reply/mention graph (the one step outside Ibis).

Relays are members who bridge otherwise separate groups: they sit on many shortest paths
between other members. No SQL engine computes betweenness, so this module is the single,
documented exception to "everything is an Ibis expression": it executes the (small) edge-list
expression, runs NetworkX (well kept, pure Python, BSD licence, already a dependency), and hands
the scores back as an in-memory Ibis table that joins with the rest on either engine.

Exact betweenness (Brandes) costs O(nodes x edges). Above ``exact_max_nodes`` nodes in a
community, the estimate from ``samples`` source nodes drawn with a fixed ``seed`` is used
(NetworkX's ``k`` parameter), so results are repeatable.
"""

from __future__ import annotations

from collections import defaultdict

import ibis
import ibis.expr.types as ir
import networkx as nx
import pyarrow as pa

__all__ = ["betweenness"]

_SCHEMA = pa.schema(
    [
        ("community_id", pa.string()),
        ("member_id", pa.string()),
        ("betweenness", pa.float64()),
    ]
)


def betweenness(
    edges: ir.Table,
    *,
    exact_max_nodes: int = 2000,
    samples: int = 256,
    seed: int = 0,
) -> ir.Table:
    """Normalised betweenness of every member with at least one edge, per community.

    Parameters
    ----------
    edges
        Ibis table with ``community_id``, ``source``, ``target`` (undirected; executed here).
    exact_max_nodes
        Largest graph computed exactly; larger ones are sampled.
    samples, seed
        Number of sampled source nodes and the random seed for large graphs.

    Returns
    -------
    ibis.Table
        In-memory table ``community_id``, ``member_id``, ``betweenness`` (0 to 1, NetworkX's
        normalisation for undirected graphs: divided by (n - 1)(n - 2) / 2).
    """
    arrow = edges.select("community_id", "source", "target").to_pyarrow()
    graphs: dict[str, nx.Graph] = defaultdict(nx.Graph)
    # Sorted so that the graph, hence the sampled estimate, is the same on every engine.
    for community, source, target in sorted(
        zip(
            arrow["community_id"].to_pylist(),
            arrow["source"].to_pylist(),
            arrow["target"].to_pylist(),
            strict=True,
        ),
        key=lambda row: tuple("" if v is None else v for v in row),
    ):
        if source is not None and target is not None and source != target:
            graphs[community].add_edge(source, target)
    rows: dict[str, list[object]] = {
        "community_id": [],
        "member_id": [],
        "betweenness": [],
    }
    for community in sorted(graphs):
        graph = graphs[community]
        if graph.number_of_nodes() > exact_max_nodes:
            k = min(samples, graph.number_of_nodes())
            scores = nx.betweenness_centrality(graph, k=k, seed=seed, normalized=True)
        else:
            scores = nx.betweenness_centrality(graph, normalized=True)
        for member in sorted(scores):
            rows["community_id"].append(community)
            rows["member_id"].append(member)
            rows["betweenness"].append(float(scores[member]))
    return ibis.memtable(pa.table(rows, schema=_SCHEMA))
