"""The enrichment stage: language, sentiment and (on demand) embeddings of every message.

Reads messages without an ``enrichment`` row in batches, calls the text models of
:mod:`tribu.text`, writes the ``enrichment`` table:

* :mod:`tribu.enrich.pipeline`: :func:`~tribu.enrich.pipeline.enrich_warehouse`, the stage;
* :mod:`tribu.enrich.embeddings`: the embedding pass and stored-vector access;
* :mod:`tribu.enrich.scoring`: language and sentiment of a batch;
* :mod:`tribu.enrich.batches`: chunks, distinct texts, worker processes, progress;
* :mod:`tribu.enrich.writes`: the Arrow writes into the warehouse.
"""
