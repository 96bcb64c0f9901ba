"""The canonical tables of the warehouse, as DuckDB DDL, and the schema version.

Every stage after the connectors reads these tables and nothing else. Each column is documented
in ``docs/schema.md``; a test checks that every column here has its entry there.

Conventions: ids are strings (``VARCHAR``); times are ``TIMESTAMPTZ`` in UTC; money is
``DOUBLE`` in the row's ``currency``. People's ids (``member_id``, ``author_id``) are
pseudonyms (keyed HMAC) unless the warehouse was filled with ``--keep-names``.

``messages.message_id`` is unique but declared without a PRIMARY KEY on purpose: DuckDB keeps
an ART index in memory for the length of a transaction, which makes a multi-million-message ingest
(one transaction) grow with the file; ingest guarantees uniqueness itself (delete-then-insert on
the ids it loads) and a test checks it.

To change the schema: bump :data:`SCHEMA_VERSION`, append the upgrade step to
:data:`MIGRATIONS` (keyed by the version it upgrades *from*), and document the change.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "TABLES"]

SCHEMA_VERSION = 4

# name -> column definitions. Order matters only for readability.
TABLES: dict[str, str] = {
    "meta": """
        key VARCHAR PRIMARY KEY,
        value VARCHAR NOT NULL
    """,
    "communities": """
        community_id VARCHAR PRIMARY KEY,
        platform VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        source VARCHAR,
        ingested_at TIMESTAMPTZ
    """,
    "channels": """
        channel_id VARCHAR PRIMARY KEY,
        community_id VARCHAR NOT NULL,
        name VARCHAR,
        kind VARCHAR,
        parent_channel_id VARCHAR
    """,
    "members": """
        member_id VARCHAR PRIMARY KEY,
        community_id VARCHAR NOT NULL,
        display_name VARCHAR,
        is_brand BOOLEAN NOT NULL DEFAULT FALSE,
        is_bot BOOLEAN NOT NULL DEFAULT FALSE,
        roles VARCHAR[],
        joined_at TIMESTAMPTZ
    """,
    "messages": """
        message_id VARCHAR NOT NULL,
        community_id VARCHAR NOT NULL,
        channel_id VARCHAR NOT NULL,
        author_id VARCHAR NOT NULL,
        ts TIMESTAMPTZ NOT NULL,
        text VARCHAR,
        reply_to_id VARCHAR,
        thread_id VARCHAR,
        reaction_count INTEGER NOT NULL DEFAULT 0,
        attachment_count INTEGER NOT NULL DEFAULT 0,
        mentions VARCHAR[],
        edited_at TIMESTAMPTZ
    """,
    "reactions": """
        message_id VARCHAR NOT NULL,
        community_id VARCHAR NOT NULL,
        member_id VARCHAR,
        emoji VARCHAR NOT NULL,
        count INTEGER NOT NULL,
        ts TIMESTAMPTZ
    """,
    "member_events": """
        member_id VARCHAR NOT NULL,
        community_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        ts TIMESTAMPTZ NOT NULL,
        detail VARCHAR
    """,
    "system_notices": """
        community_id VARCHAR NOT NULL,
        channel_id VARCHAR,
        kind VARCHAR NOT NULL,
        ts TIMESTAMPTZ,
        text VARCHAR
    """,
    "enrichment": """
        message_id VARCHAR PRIMARY KEY,
        lang VARCHAR,
        sentiment DOUBLE,
        embedding TINYINT[],
        topic_id INTEGER
    """,
    "campaigns": """
        campaign_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        objective VARCHAR,
        community_id VARCHAR,
        starts TIMESTAMPTZ NOT NULL,
        ends TIMESTAMPTZ NOT NULL,
        spend DOUBLE,
        currency VARCHAR,
        keywords VARCHAR[],
        activation_message_ids VARCHAR[]
    """,
    "creators": """
        creator_id VARCHAR PRIMARY KEY,
        handle VARCHAR NOT NULL,
        platform VARCHAR,
        followers BIGINT,
        promo_code VARCHAR
    """,
    "creator_posts": """
        post_id VARCHAR PRIMARY KEY,
        creator_id VARCHAR NOT NULL,
        campaign_id VARCHAR,
        ts TIMESTAMPTZ NOT NULL,
        text VARCHAR,
        likes BIGINT,
        comments BIGINT,
        shares BIGINT,
        saves BIGINT,
        views BIGINT,
        cost DOUBLE,
        currency VARCHAR
    """,
    "customers": """
        customer_id VARCHAR PRIMARY KEY,
        acquired_at TIMESTAMPTZ,
        channel VARCHAR,
        acquisition_cost DOUBLE,
        currency VARCHAR,
        member_id VARCHAR
    """,
    "orders": """
        order_id VARCHAR PRIMARY KEY,
        customer_id VARCHAR NOT NULL,
        ts TIMESTAMPTZ NOT NULL,
        amount DOUBLE NOT NULL,
        currency VARCHAR,
        promo_code VARCHAR
    """,
    "nps": """
        customer_id VARCHAR,
        ts TIMESTAMPTZ NOT NULL,
        score INTEGER NOT NULL,
        channel VARCHAR
    """,
    "reviews": """
        place_id VARCHAR NOT NULL,
        ts TIMESTAMPTZ NOT NULL,
        rating INTEGER NOT NULL,
        text VARCHAR
    """,
    "faq": """
        version INTEGER NOT NULL,
        faq_id VARCHAR NOT NULL,
        lang VARCHAR NOT NULL,
        question VARCHAR NOT NULL,
        answer VARCHAR NOT NULL,
        phrasings INTEGER NOT NULL
    """,
    "handoffs": """
        handoff_id VARCHAR PRIMARY KEY,
        message_id VARCHAR,
        ts TIMESTAMPTZ,
        reason VARCHAR,
        status VARCHAR,
        platform VARCHAR,
        conversation_id VARCHAR,
        channel VARCHAR,
        author VARCHAR,
        sentiment DOUBLE,
        text VARCHAR,
        agent VARCHAR,
        claimed_at TIMESTAMPTZ,
        closed_at TIMESTAMPTZ,
        decision_id VARCHAR
    """,
    "triage_log": """
        decision_id VARCHAR PRIMARY KEY,
        ts TIMESTAMPTZ NOT NULL,
        platform VARCHAR NOT NULL,
        conversation_id VARCHAR NOT NULL,
        channel VARCHAR,
        author VARCHAR,
        text VARCHAR NOT NULL,
        truncated BOOLEAN NOT NULL,
        lang VARCHAR,
        decision VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        faq_id VARCHAR,
        answer_lang VARCHAR,
        confidence DOUBLE,
        sentiment DOUBLE NOT NULL,
        faq_version INTEGER,
        handoff_id VARCHAR
    """,
    "polls": """
        poll_id VARCHAR PRIMARY KEY,
        community_id VARCHAR NOT NULL,
        channel_id VARCHAR,
        message_id VARCHAR,
        author_id VARCHAR,
        ts TIMESTAMPTZ,
        question VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        multiple BOOLEAN NOT NULL DEFAULT FALSE,
        closed BOOLEAN,
        ends_at TIMESTAMPTZ,
        total_voters INTEGER
    """,
    "poll_options": """
        poll_id VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        votes INTEGER
    """,
    "poll_votes": """
        poll_id VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        member_id VARCHAR NOT NULL
    """,
    "survey_responses": """
        response_id VARCHAR PRIMARY KEY,
        survey_id VARCHAR NOT NULL,
        community_id VARCHAR,
        ts TIMESTAMPTZ NOT NULL,
        member_id VARCHAR,
        customer_id VARCHAR,
        respondent_id VARCHAR,
        source VARCHAR NOT NULL
    """,
    "survey_answers": """
        response_id VARCHAR NOT NULL,
        survey_id VARCHAR NOT NULL,
        question_id VARCHAR NOT NULL,
        question VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        choice VARCHAR,
        number DOUBLE,
        text VARCHAR,
        sentiment DOUBLE
    """,
    "people": """
        person_id VARCHAR PRIMARY KEY,
        created_at TIMESTAMPTZ NOT NULL
    """,
    "person_links": """
        member_id VARCHAR PRIMARY KEY,
        person_id VARCHAR NOT NULL,
        decision_id VARCHAR
    """,
    "identity_keys": """
        member_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        key VARCHAR NOT NULL
    """,
    "people_decisions": """
        decision_id VARCHAR PRIMARY KEY,
        ts TIMESTAMPTZ NOT NULL,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        member_ids VARCHAR[] NOT NULL,
        confidence DOUBLE,
        reason VARCHAR,
        evidence JSON,
        before JSON,
        undone_by VARCHAR
    """,
    "people_suggestions": """
        member_a VARCHAR NOT NULL,
        member_b VARCHAR NOT NULL,
        confidence DOUBLE NOT NULL,
        evidence JSON NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
    """,
    "ingest_runs": """
        run_id VARCHAR PRIMARY KEY,
        source VARCHAR NOT NULL,
        platform VARCHAR,
        sha256 VARCHAR,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        counts JSON
    """,
    "quarantine": """
        run_id VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        locator VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        raw VARCHAR
    """,
}

# from_version -> list of SQL statements upgrading a warehouse to from_version + 1.
MIGRATIONS: dict[int, list[str]] = {
    # 1 -> 2: the triage writes faq (versioned, one row per entry and language), handoffs
    # (with the conversation) and triage_log; faq and handoffs were never written before.
    1: [
        "DROP TABLE IF EXISTS faq",
        "DROP TABLE IF EXISTS handoffs",
        f"CREATE TABLE faq ({TABLES['faq']})",
        f"CREATE TABLE handoffs ({TABLES['handoffs']})",
        f"CREATE TABLE IF NOT EXISTS triage_log ({TABLES['triage_log']})",
    ],
    # 2 -> 3: polls read from the exports (polls, poll_options, poll_votes) and questionnaire
    # responses loaded with `tribu load survey` (survey_responses, survey_answers).
    2: [
        f"CREATE TABLE IF NOT EXISTS {name} ({TABLES[name]})"
        for name in (
            "polls",
            "poll_options",
            "poll_votes",
            "survey_responses",
            "survey_answers",
        )
    ],
    # 3 -> 4 (issue 18, people): one person per member at first, the identity link, the
    # hashed identity keys merge suggestions are made from, decisions and open suggestions.
    3: [
        f"CREATE TABLE IF NOT EXISTS {name} ({TABLES[name]})"
        for name in (
            "people",
            "person_links",
            "identity_keys",
            "people_decisions",
            "people_suggestions",
        )
    ]
    + [
        "INSERT INTO people SELECT 'p:' || member_id, now() FROM members "
        "WHERE 'p:' || member_id NOT IN (SELECT person_id FROM people)",
        "INSERT INTO person_links SELECT member_id, 'p:' || member_id, NULL "
        "FROM members WHERE member_id NOT IN (SELECT member_id FROM person_links)",
    ],
}
