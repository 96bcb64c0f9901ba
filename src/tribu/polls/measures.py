"""Poll and questionnaire measures: shares with Wilson intervals, scores, participation, segments.

Pure Ibis over the canonical tables (``polls``, ``poll_options``, ``poll_votes``,
``survey_responses``, ``survey_answers`` and the community tables), registered in the measure
registry (family ``polls``): they run on DuckDB and Spark, are reachable from
``/api/v1/measures/<name>`` and documented in docs/metrics.md.

The Wilson score interval is written out in Ibis (a handful of arithmetic operations per row,
so it runs on any engine); its z value comes from :func:`scipy.stats.norm.ppf` (SciPy is
already a dependency) and the formula is checked against
:func:`scipy.stats.binomtest`'s ``proportion_ci(method="wilson")`` and hand-worked values in
the tests.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from scipy.stats import norm

from tribu.metrics._common import people_authored, safe_ratio, week_start
from tribu.metrics._registry import register
from tribu.metrics.roles import role_table

__all__ = [
    "ROLE_SETTINGS",
    "poll_participation",
    "poll_results",
    "poll_votes_by_segment",
    "survey_answers_by_segment",
    "survey_participation",
    "survey_results",
    "survey_scores",
    "wilson_bounds",
    "z_value",
]

ROLE_SETTINGS: dict[str, float | int] = {
    "power_share": 0.05,
    "min_messages": 5,
    "min_top_week_share": 0.75,
    "newcomer_days": 30,
    "at_risk_days": 28,
    "min_previous_messages": 3,
}
"""The role definitions of :func:`tribu.metrics.roles.member_roles`, at its defaults."""


def z_value(confidence: float) -> float:
    """The two-sided normal quantile of ``confidence`` (0.95 -> 1.959964)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    return float(norm.ppf(1 - (1 - confidence) / 2))


def wilson_bounds(
    successes: ir.NumericValue, trials: ir.NumericValue, confidence: float
) -> tuple[ir.FloatingValue, ir.FloatingValue]:
    """Lower and upper Wilson score bounds of ``successes / trials`` (null when trials = 0).

    ``(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)`` with p = successes / n; exactly 0
    when nothing was chosen and 1 when everything was (the formula's limits, without
    rounding error).
    """
    z = z_value(confidence)
    n = ibis.ifelse(trials > 0, trials.cast("float64"), ibis.null("float64"))
    p = successes.cast("float64") / n
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)).sqrt() / denominator
    low = ibis.ifelse(successes == 0, 0.0, ibis.greatest(center - half, 0.0))
    high = ibis.ifelse(successes == trials, 1.0, ibis.least(center + half, 1.0))
    return low.cast("float64"), high.cast("float64")


@register("polls")
def poll_results(
    polls: ir.Table, poll_options: ir.Table, *, confidence: float = 0.95
) -> ir.Table:
    """Each poll answer's votes and share of the voters, with a Wilson interval.

    Definition: for answer a of poll q, ``votes`` = its votes; ``base`` = the poll's voters:
    ``polls.total_voters`` when the export gives it (Telegram, Discord), else the sum of its
    answers' votes (one vote per voter); ``share = votes / base``; ``share_low`` and
    ``share_high`` bound the share with the Wilson score interval at ``confidence``:
    ``(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)`` with n = base and z the normal
    quantile (1.96 at 95 %).

    Grain: one row per poll answer. Unit: votes, share in [0, 1].

    Parameters
    ----------
    confidence
        Coverage of the interval (default 0.95).

    Caveats: in a poll allowing several answers the shares add up past 1, and without
    ``total_voters`` (Slack, WhatsApp) its base is the number of votes, not of voters.
    Answers whose votes the export does not count have null shares.
    Columns: poll_id, community_id, question, ts, multiple, position, option, votes, base,
    share, share_low, share_high.

    Examples
    --------
    Colour vote with 5, 3 and 1 votes and 9 voters: Vert sauge 5 / 9 = 0.556, Wilson 95 %
    [0.267, 0.811]. Worked by hand for 2 votes of 4 (z = 1.95996, z² = 3.8415): p = 0.5,
    z²/n = 0.9604, centre = (0.5 + 3.8415 / 8) / 1.9604 = 0.5, half-width = 1.95996 ×
    √(0.5 × 0.5 / 4 + 3.8415 / 64) / 1.9604 = 1.95996 × √0.12252 / 1.9604 = 0.3500:
    [0.150, 0.850]. 1 of 4: [0.046, 0.699]; 0 of 4: centre = half-width = 0.4802 / 1.9604 =
    0.245, [0, 0.490]. (SciPy's ``binomtest(k, n).proportion_ci(method="wilson")`` gives the
    same, checked in tests/polls/test_measures.py.)
    """
    sums = poll_options.group_by("poll_id").aggregate(
        total_votes=poll_options.votes.sum().cast("int64")
    )
    q = polls.left_join(sums, "poll_id").select(
        "poll_id",
        "community_id",
        "question",
        "ts",
        "multiple",
        base=ibis.coalesce(polls.total_voters.cast("int64"), sums.total_votes),
    )
    t = poll_options.inner_join(q, "poll_id").select(
        "poll_id",
        "community_id",
        "question",
        "ts",
        "multiple",
        "position",
        "base",
        option=poll_options.text,
        votes=poll_options.votes.cast("int64"),
    )
    low, high = wilson_bounds(t.votes, t.base, confidence)
    return t.select(
        "poll_id",
        "community_id",
        "question",
        "ts",
        "multiple",
        "position",
        "option",
        "votes",
        "base",
        share=safe_ratio(t.votes, t.base),
        share_low=low,
        share_high=high,
    )


@register("polls")
def survey_results(survey_answers: ir.Table, *, confidence: float = 0.95) -> ir.Table:
    """Each label of a questionnaire's choice questions: responses and share, Wilson interval.

    Definition: for a ``choice`` or ``multiple`` question, ``base`` = the responses that
    answered it; for each label, ``votes`` = the responses that chose it; ``share = votes /
    base``, bounded by the Wilson score interval at ``confidence`` (see :func:`poll_results`).

    Grain: one row per survey, question and label. Unit: responses, share in [0, 1].

    Parameters
    ----------
    confidence
        Coverage of the interval (default 0.95).

    Caveats: a multiple-choice question's shares add up past 1.
    Columns: survey_id, question, kind, option, votes, base, share, share_low, share_high.

    Examples
    --------
    tests/data/surveys/typeform_drop.csv: 4 valid responses chose Vert sauge, Terracotta,
    Vert sauge, Noir: Vert sauge 2 / 4 = 0.5, [0.150, 0.850]; Noir 1 / 4 = 0.25,
    [0.046, 0.699].
    """
    chosen = survey_answers.filter(survey_answers.kind.isin(["choice", "multiple"]))
    bases = chosen.group_by(["survey_id", "question"]).aggregate(
        base=chosen.response_id.nunique().cast("int64")
    )
    counts = chosen.group_by(["survey_id", "question", "kind", "choice"]).aggregate(
        votes=chosen.response_id.nunique().cast("int64")
    )
    t = counts.inner_join(bases, ["survey_id", "question"])
    low, high = wilson_bounds(t.votes, t.base, confidence)
    return t.select(
        "survey_id",
        "question",
        "kind",
        "votes",
        "base",
        option=t.choice,
        share=safe_ratio(t.votes, t.base),
        share_low=low,
        share_high=high,
    )


@register("polls")
def survey_scores(
    survey_answers: ir.Table, *, promoter_min: int = 9, detractor_max: int = 6
) -> ir.Table:
    """Scale, NPS and free-text questions: responses, mean, NPS and mean sentiment.

    Definition: per question, ``responses`` = answers; ``mean`` = mean value (scale and NPS);
    for an NPS question ``nps = 100 × (promoters − detractors) / responses`` with promoters
    scoring ``promoter_min`` or more and detractors ``detractor_max`` or less;
    ``mean_sentiment`` = mean sentiment of free-text answers (0 negative, 0.5 neutral, 1
    positive) and ``negative`` = those under 0.3.

    Grain: one row per survey and question (kinds scale, nps, text). Unit: responses, the
    question's own unit, NPS points, sentiment in [0, 1].

    Parameters
    ----------
    promoter_min
        Lowest promoter score (default 9).
    detractor_max
        Highest detractor score (default 6).

    Caveats: NPS answers also feed the ``nps`` table (channel ``survey:<id>``), so the business
    NPS measures count them with the others.
    Columns: survey_id, question, kind, responses, mean, nps, mean_sentiment, negative.

    Examples
    --------
    typeform_drop.csv: NPS answers 9, 10, 6, 8: 2 promoters, 1 detractor, NPS = 100 × (2 − 1)
    / 4 = 25, mean 8.25; live ratings 5, 4, 3, 4: mean 4.0.
    """
    a = survey_answers.filter(survey_answers.kind.isin(["scale", "nps", "text"]))
    is_nps = a.kind == "nps"
    # count(where=...) is a BIGINT on every engine (DuckDB's SUM of BIGINT is a HUGEINT)
    promoters = a.response_id.count(where=is_nps & (a.number >= promoter_min))
    detractors = a.response_id.count(where=is_nps & (a.number <= detractor_max))
    t = a.group_by(["survey_id", "question", "kind"]).aggregate(
        responses=a.response_id.count().cast("int64"),
        mean=a.number.mean(),
        promoters=promoters,
        detractors=detractors,
        mean_sentiment=a.sentiment.mean(),
        negative=a.response_id.count(where=a.sentiment < 0.3),
    )
    return t.select(
        "survey_id",
        "question",
        "kind",
        "responses",
        "mean",
        nps=ibis.ifelse(
            t.kind == "nps",
            100.0 * safe_ratio(t.promoters - t.detractors, t.responses),
            ibis.null("float64"),
        ),
        mean_sentiment=t.mean_sentiment,
        negative=ibis.ifelse(t.kind == "text", t.negative, ibis.null("int64")),
    )


def _weekly_active(messages: ir.Table, members: ir.Table) -> ir.Table:
    m = people_authored(messages, members)
    m = m.mutate(active_week=week_start(m.ts))
    return m.group_by(
        [m.community_id.name("active_community"), "active_week"]
    ).aggregate(active_members=m.author_id.nunique().cast("int64"))


@register("polls")
def poll_participation(
    polls: ir.Table,
    poll_options: ir.Table,
    poll_votes: ir.Table,
    messages: ir.Table,
    members: ir.Table,
) -> ir.Table:
    """How many of the community's active members of that week answered each poll.

    Definition: ``voters`` = ``polls.total_voters`` when the export gives it, else the
    distinct named voters (``poll_votes``), else — one answer per voter — the sum of the
    answers' votes (null for a poll allowing several answers with neither);
    ``active_members`` = the community's people (neither brand nor bot) who wrote at least
    one message in the poll's week (Monday, UTC), as ``weekly_active_members``;
    ``participation = voters / active_members``.

    Grain: one row per poll. Unit: members, ratio.

    Caveats: voters need not have written that week (lurkers vote), so participation can
    pass 1; it reads "voters per active member".
    Columns: poll_id, community_id, question, week, voters, active_members, participation.

    Examples
    --------
    A colour vote with 9 voters in a week where 6 people wrote: 9 / 6 = 1.5. A live-time vote
    with 4 voters, 8 active: 0.5.
    """
    sums = poll_options.group_by("poll_id").aggregate(
        total_votes=poll_options.votes.sum().cast("int64")
    )
    named = poll_votes.group_by("poll_id").aggregate(
        named=poll_votes.member_id.nunique().cast("int64")
    )
    q = polls.left_join(sums, "poll_id").select(polls, total_votes=sums.total_votes)
    q = q.left_join(named, "poll_id").select(q, named=named.named)
    q = q.mutate(
        voters=ibis.coalesce(
            q.total_voters.cast("int64"),
            q.named,
            ibis.ifelse(q.multiple, ibis.null("int64"), q.total_votes),
        ),
        week=week_start(q.ts),
    )
    active = _weekly_active(messages, members)
    t = q.left_join(
        active,
        [q.community_id == active.active_community, q.week == active.active_week],
    )
    return t.select(
        "poll_id",
        "community_id",
        "question",
        "week",
        "voters",
        active_members=ibis.coalesce(t.active_members, 0),
        participation=safe_ratio(t.voters, t.active_members),
    )


@register("polls")
def survey_participation(
    survey_responses: ir.Table, messages: ir.Table, members: ir.Table
) -> ir.Table:
    """A questionnaire's responses per week against the community's active members.

    Definition: for a survey sent to a community (``tribu load survey --community``) and week
    w, ``responses`` = its responses submitted in w; ``active_members`` as in
    :func:`poll_participation`; ``participation = responses / active_members``.

    Grain: one row per survey, community and week with a response. Unit: responses, ratio.

    Caveats: surveys loaded without ``--community`` have no row.
    Columns: survey_id, community_id, week, responses, active_members, participation.

    Examples
    --------
    4 responses in the week of 6 May 2024 when 3 people wrote in the community: 4 / 3 = 1.333.
    """
    r = survey_responses.filter(survey_responses.community_id.notnull())
    r = r.mutate(week=week_start(r.ts))
    counts = r.group_by(["survey_id", "community_id", "week"]).aggregate(
        responses=r.response_id.nunique().cast("int64")
    )
    active = _weekly_active(messages, members)
    t = counts.left_join(
        active,
        [
            counts.community_id == active.active_community,
            counts.week == active.active_week,
        ],
    )
    return t.select(
        "survey_id",
        "community_id",
        "week",
        "responses",
        active_members=ibis.coalesce(t.active_members, 0),
        participation=safe_ratio(t.responses, t.active_members),
    )


def _segments(
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    customers: ir.Table,
) -> ir.Table:
    """member_id -> role (power user, newcomer, at risk, other) and is_customer."""
    roles = role_table(messages, members, member_events, **ROLE_SETTINGS)  # type: ignore[arg-type]
    seg = roles.select(
        seg_member="member_id",
        role=ibis.cases(
            (roles.is_power_user, "power user"),
            (roles.is_newcomer, "newcomer"),
            (roles.is_at_risk, "at risk"),
            else_="other member",
        ),
    )
    linked = (
        customers.filter(customers.member_id.notnull())
        .select(customer_member=customers.member_id)
        .distinct()
    )
    seg = seg.left_join(linked, seg.seg_member == linked.customer_member)
    return seg.select("seg_member", "role", is_customer=seg.customer_member.notnull())


@register("polls")
def poll_votes_by_segment(
    poll_votes: ir.Table,
    poll_options: ir.Table,
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    customers: ir.Table,
) -> ir.Table:
    """Named votes split by the voter's role and by customers vs members.

    Definition: for polls whose export names voters (``poll_votes``), each vote is given its
    voter's role — ``power user``, ``newcomer``, ``at risk`` (as ``member_roles`` at its
    default settings, in that order of precedence) or ``other member`` — and ``audience`` =
    ``customers`` when the voter's member id is linked to a customer (``customers.member_id``,
    ``tribu load member-links``), else ``members``. ``voters`` = distinct voters of that
    segment in the poll; ``votes`` = their votes for the answer; ``share = votes / voters``.

    Grain: one row per poll, answer, role and audience with a vote. Unit: votes, share.

    Caveats: Telegram and WhatsApp exports count votes without names: no rows. Small
    segments give wide intervals; read the counts.
    Columns: poll_id, position, option, role, audience, votes, voters, share.

    Examples
    --------
    A Slack poll: Inès (power user) and Marc (newcomer) chose Sage green, Zoé (newcomer, a
    customer) Terracotta: newcomer/members Sage green 1 of 1; newcomer/customers Terracotta
    1 of 1; power user/members Sage green 1 of 1.
    """
    seg = _segments(messages, members, member_events, customers)
    v = poll_votes.left_join(seg, poll_votes.member_id == seg.seg_member).select(
        poll_votes,
        role=ibis.coalesce(seg.role, "other member"),
        audience=ibis.ifelse(seg.is_customer.fill_null(False), "customers", "members"),
    )
    voters = v.group_by(["poll_id", "role", "audience"]).aggregate(
        voters=v.member_id.nunique().cast("int64")
    )
    votes = v.group_by(["poll_id", "position", "role", "audience"]).aggregate(
        votes=v.member_id.nunique().cast("int64")
    )
    t = votes.inner_join(voters, ["poll_id", "role", "audience"])
    options = poll_options.select("poll_id", "position", option="text")
    t = t.inner_join(options, ["poll_id", "position"])
    return t.select(
        "poll_id",
        "position",
        "option",
        "role",
        "audience",
        "votes",
        "voters",
        share=safe_ratio(t.votes, t.voters),
    )


@register("polls")
def survey_answers_by_segment(
    survey_answers: ir.Table,
    survey_responses: ir.Table,
    messages: ir.Table,
    members: ir.Table,
    member_events: ir.Table,
    customers: ir.Table,
) -> ir.Table:
    """Choice answers of questionnaires split by role and by customers vs members.

    Definition: each response is placed by its respondent: ``role`` as in
    :func:`poll_votes_by_segment` when the response names a member (hidden handle and
    ``--community``), ``not a member`` otherwise; ``audience`` = ``customers`` when it names a
    customer (hidden customer id) or its member is linked to one, ``members`` when it names a
    member only, ``unknown`` when it names nobody. ``responses`` = responses of the segment
    that answered the question; ``votes`` = those choosing the label; ``share = votes /
    responses``.

    Grain: one row per survey, question, label, role and audience. Unit: responses, share.

    Caveats: only ``choice`` and ``multiple`` questions.
    Columns: survey_id, question, option, role, audience, votes, responses, share.

    Examples
    --------
    typeform_drop.csv loaded with ``--community discord:900``: tf01-tf03 name members
    (``other member``, audience members), tf04 nobody (``not a member``, unknown).
    """
    seg = _segments(messages, members, member_events, customers)
    r = survey_responses.left_join(
        seg, survey_responses.member_id == seg.seg_member
    ).select(
        seg_response="response_id",
        role=ibis.ifelse(
            survey_responses.member_id.isnull(),
            "not a member",
            ibis.coalesce(seg.role, "other member"),
        ),
        audience=ibis.cases(
            (
                survey_responses.customer_id.notnull()
                | seg.is_customer.fill_null(False),
                "customers",
            ),
            (survey_responses.member_id.notnull(), "members"),
            else_="unknown",
        ),
    )
    a = survey_answers.filter(survey_answers.kind.isin(["choice", "multiple"]))
    a = a.inner_join(r, a.response_id == r.seg_response)
    bases = a.group_by(["survey_id", "question", "role", "audience"]).aggregate(
        responses=a.response_id.nunique().cast("int64")
    )
    counts = a.group_by(
        ["survey_id", "question", "choice", "role", "audience"]
    ).aggregate(votes=a.response_id.nunique().cast("int64"))
    t = counts.inner_join(bases, ["survey_id", "question", "role", "audience"])
    return t.select(
        "survey_id",
        "question",
        "role",
        "audience",
        "votes",
        "responses",
        option=t.choice,
        share=safe_ratio(t.votes, t.responses),
    ).relocate("option", after="question")
