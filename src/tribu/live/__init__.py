"""Live events: platform webhooks and gateways into a durable queue, applied to the warehouse.

- :mod:`tribu.live.queue` — the durable SQLite queue beside the warehouse (receive, then ack);
- :mod:`tribu.live.slack_events`, :mod:`tribu.live.telegram_updates`,
  :mod:`tribu.live.generic_events` — check and read each platform's payloads into operations;
- :mod:`tribu.live.apply` — apply operations to the canonical tables, idempotently;
- :mod:`tribu.live.worker` — the thread that drains the queue into the warehouse;
- :mod:`tribu.live.alerts` — alert rules, episodes and their delivery; :mod:`tribu.live.digest`;
- :mod:`tribu.live.discord_gateway` — the Discord gateway client.

docs/live.md is the user's guide.
"""
