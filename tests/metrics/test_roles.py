"""Roles on the fixture: moderators, power users, newcomers, members at risk, relays."""

from __future__ import annotations

import ibis
import pytest

from tribu.metrics._graph import betweenness


def test_member_roles(measure) -> None:
    rows = {r["member_id"]: r for r in measure("member_roles")}
    # Bots are not members with roles.
    assert "bot" not in rows
    # Messages: alice 9, brand 8, bob 8, carol 7, fanny 5, dave 2, erin 2.
    assert {m: r["messages"] for m, r in rows.items() if r["community_id"] == "c1"} == {
        "alice": 9,
        "brand": 8,
        "bob": 8,
        "carol": 7,
        "fanny": 5,
        "dave": 2,
        "erin": 2,
    }
    # Moderators by platform role: 'Moderator' (alice) and 'admin' (the brand account).
    assert {m for m, r in rows.items() if r["is_moderator"]} == {"alice", "brand"}
    # Power users: on top of 8 of c1's 10 weeks (0.75 x 10 = 7.5) is beyond anyone in
    # this sparse fixture (see test_power_users_by_weeks_on_top): none at the defaults.
    assert {m for m, r in rows.items() if r["is_power_user"]} == set()
    # Newcomers: last message 04-10 10:00, 30 days back = 03-11 10:00. erin (04-01) yes;
    # carol (03-10 09:00) just before; dave (03-16) left on 03-20.
    assert {m for m, r in rows.items() if r["is_newcomer"]} == {"erin"}
    # At risk: fanny 4 messages in (02-13, 03-13] and 1 in (03-13, 04-10]: 1 <= 4/2.
    # alice 4 -> 3 (no); bob 2 -> 6 (too few before); carol 3 -> 4 (no).
    assert {m for m, r in rows.items() if r["is_at_risk"]} == {"fanny"}
    assert (rows["fanny"]["previous_messages"], rows["fanny"]["recent_messages"]) == (
        4,
        1,
    )
    # Betweenness (worked in test_betweenness_by_hand): brand 9/15, carol 8/15, erin 5/15.
    assert rows["brand"]["betweenness"] == pytest.approx(9 / 15)
    assert rows["carol"]["betweenness"] == pytest.approx(8 / 15)
    assert rows["erin"]["betweenness"] == pytest.approx(5 / 15)
    assert rows["alice"]["betweenness"] == 0.0
    # Relays: top ceil(0.1 x 6 people) = 1 person by betweenness: carol.
    assert {m for m, r in rows.items() if r["is_relay"]} == {"carol"}
    # The community of one has no roles but its brand's moderator-less row.
    assert rows["solo"]["messages"] == 1 and not rows["solo"]["is_relay"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("moderators", {"alice", "brand"}),
        ("power_users", set()),
        ("newcomers", {"erin"}),
        ("members_at_risk", {"fanny"}),
        ("relays", {"carol"}),
    ],
)
def test_role_lists(measure, name: str, expected: set[str]) -> None:
    assert {r["member_id"] for r in measure(name)} == expected


def test_power_users_by_weeks_on_top(measure) -> None:
    # c1's weeks (Monday-based, UTC) with any message: 01-05, 02-02, 02-16, 02-23, 03-02,
    # 03-09, 03-16, 03-23, 03-30, 04-06 = 10. People's messages per week, and who is on top
    # (top ceil(0.05 x active) = 1 person, ties kept):
    #   01-05 alice 1 -> alice          02-02 alice 1 -> alice
    #   02-16 fanny 1 -> fanny          02-23 fanny 2 -> fanny
    #   03-02 alice 2, bob 1, fanny 1 -> alice
    #   03-09 carol 3, alice 2, bob 1 -> carol
    #   03-16 bob 2, carol 2, dave 2, alice 1 -> bob, carol, dave (tie)
    #   03-23 bob 2, alice 1, carol 1, fanny 1 -> bob
    #   03-30 bob 2, alice 1, carol 1, erin 1 -> bob
    #   04-06 erin 1 -> erin
    # Weeks on top: alice 3, bob 3, carol 2, fanny 2, dave 1, erin 1.
    # On top in 30 % of weeks (>= 3): alice (9 messages) and bob (8).
    def flagged(**settings: object) -> set[str]:
        return {r["member_id"] for r in measure("power_users", **settings)}

    assert flagged(min_top_week_share=0.3) == {"alice", "bob"}
    # In 20 % (>= 2): carol (7 messages) and fanny (5) too; fanny falls under 6 messages.
    assert flagged(min_top_week_share=0.2) == {"alice", "bob", "carol", "fanny"}
    assert flagged(min_top_week_share=0.2, min_messages=6) == {"alice", "bob", "carol"}


def test_betweenness_by_hand(tables) -> None:
    # Edges of c1 (replies and mentions, undirected, bots out): alice-brand, bob-brand,
    # dave-brand, carol-brand, alice-carol (Q1R), carol-erin (L4b mentions erin),
    # erin-fanny (LAST mentions fanny). 7 nodes -> pairs normalised by 6*5/2 = 15.
    # Through brand: A-Bo, A-D, Bo-D, Bo-C, Bo-E, Bo-F, D-C, D-E, D-F = 9.
    # Through carol: B-E, B-F, A-E, A-F, Bo-E, Bo-F, D-E, D-F = 8. Through erin: every
    # pair with fanny but erin's own = 5.
    from tribu.metrics.roles import interaction_edges

    edges = interaction_edges(tables["messages"], tables["members"])
    pairs = {(r["source"], r["target"]) for r in edges.to_pyarrow().to_pylist()}
    assert pairs == {
        ("alice", "brand"),
        ("bob", "brand"),
        ("brand", "dave"),
        ("brand", "carol"),
        ("alice", "carol"),
        ("carol", "erin"),
        ("erin", "fanny"),
    }
    scores = {
        r["member_id"]: r["betweenness"]
        for r in betweenness(edges).to_pyarrow().to_pylist()
    }
    assert scores["brand"] == pytest.approx(9 / 15)
    assert scores["carol"] == pytest.approx(8 / 15)
    assert scores["erin"] == pytest.approx(5 / 15)


def test_betweenness_samples_large_graphs() -> None:
    # A path a-b-c-d-e: exact betweenness of c is 4 pairs / 6 = 2/3. Sampling all 5
    # sources (k = 5 >= nodes) with exact_max_nodes=2 gives the same value, repeatably.
    edges = ibis.memtable(
        {"community_id": ["k"] * 4, "source": list("abcd"), "target": list("bcde")}
    )
    con = ibis.duckdb.connect()
    exact = con.to_pyarrow(betweenness(edges)).to_pylist()
    sampled = con.to_pyarrow(
        betweenness(edges, exact_max_nodes=2, samples=5)
    ).to_pylist()
    assert {r["member_id"]: r["betweenness"] for r in exact}["c"] == pytest.approx(
        2 / 3
    )
    assert exact == sampled


def test_vectorised_brandes_equals_networkx() -> None:
    # With every node as a source the vectorised Brandes is exact: it must equal NetworkX's
    # betweenness on a random graph (300 nodes, 900 edges) and on a barbell (two cliques
    # joined by a path, where the path nodes carry everything).
    import networkx as nx

    from tribu.metrics._graph import sampled_betweenness

    for graph in (nx.gnm_random_graph(300, 900, seed=1), nx.barbell_graph(5, 3)):
        graph = nx.relabel_nodes(graph, {i: f"n{i}" for i in graph.nodes()})
        exact = nx.betweenness_centrality(graph, normalized=True)
        mine = sampled_betweenness(graph, samples=graph.number_of_nodes())
        assert max(abs(exact[v] - mine[v]) for v in graph) < 1e-12


def test_sampled_estimate_is_close_and_repeatable() -> None:
    # 64 pivots out of 400 nodes: the estimate is repeatable (fixed seed) and finds the
    # barbell's bridge as the top: the 10 path nodes 195-204 and the two clique nodes they
    # hang from (194, 205), each on ~195 x 205 shortest paths; clique nodes are on none.
    import networkx as nx

    from tribu.metrics._graph import sampled_betweenness

    graph = nx.relabel_nodes(nx.barbell_graph(195, 10), str)
    first = sampled_betweenness(graph, samples=64, seed=3)
    assert first == sampled_betweenness(graph, samples=64, seed=3)
    top = sorted(first, key=first.get, reverse=True)[:12]
    assert set(top) == {str(i) for i in range(194, 206)}
    assert first["0"] == 0.0
