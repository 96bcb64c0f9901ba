"""Social listening: the conversation clusters of a brand's communities, and how they move.

The ``listening`` stage of DESIGN.md's flow. It reads the canonical tables (messages and their
enrichment: language, sentiment, embedding), groups messages into topics
(:mod:`tribu.listening.clustering`), names them by their distinctive words
(:mod:`tribu.listening.labels`), keeps every topic's id from run to run
(:mod:`tribu.listening.tracking`), stores topics and their period series in the warehouse
(:mod:`tribu.listening.store`), scores emergence against each topic's own baseline
(:mod:`tribu.listening.emergence`) and ranks what the community shares (domains, hashtags,
accounts) by lift (:mod:`tribu.listening.affinities`). :mod:`tribu.listening.view` assembles
what ``tribu listen`` shows; :mod:`tribu.listening.evaluation` is ``tribu eval clusters``.

Every import of the text models goes through :mod:`tribu.listening._vectors`.
"""
