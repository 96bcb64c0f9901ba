"""Command families of the ``tribu`` CLI, one module each, each with ``register(app)``."""
