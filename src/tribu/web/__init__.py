"""The web dashboard and JSON API: ``create_app(db)`` and ``serve(db, host, port)``."""

from tribu.web.app import create_app, serve

__all__ = ["create_app", "serve"]
