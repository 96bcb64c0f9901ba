"""The token administration routes of the API (``/api/v1/tokens``): admin tokens only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from tribu.web.models import ErrorResponse, TokenInfo

__all__ = ["tokens_router"]

_ADMIN_ANSWER: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "This needs an admin token."}
}


def tokens_router() -> APIRouter:
    """List and revoke tokens (``/api/v1/tokens``)."""
    router = APIRouter(prefix="/api/v1")

    @router.get(
        "/tokens",
        response_model=list[TokenInfo],
        tags=["admin"],
        responses=_ADMIN_ANSWER,
        operation_id="list_tokens",
    )
    def tokens(request: Request) -> list[dict[str, Any]]:
        """Every token's public record (admin only)."""
        _admin(request)
        return [t.public() for t in request.app.state.tokens.tokens()]

    @router.delete(
        "/tokens/{token_id}",
        response_model=TokenInfo,
        tags=["admin"],
        responses=_ADMIN_ANSWER
        | {
            409: {
                "model": ErrorResponse,
                "description": "The token making the request cannot revoke itself.",
            }
        },
        operation_id="revoke_token",
    )
    def revoke(request: Request, token_id: str) -> dict[str, Any]:
        """Revoke a token (admin only); its sessions end at their next request.

        Revoking an already revoked token changes nothing (and answers it). The token making
        the request cannot revoke itself (``409``): use another admin token, or
        ``tribu token revoke`` on the server.
        """
        _admin(request)
        store = request.app.state.tokens
        if token_id not in {t.token_id for t in store.tokens()}:
            raise HTTPException(404, f"No token with id {token_id!r}.")
        if token_id == request.state.token.token_id:
            raise HTTPException(
                409,
                "This token is the one making the request: revoke it with another "
                "admin token or 'tribu token revoke'.",
            )
        return dict(store.revoke(token_id).public())

    return router


def _admin(request: Request) -> None:
    token = getattr(request.state, "token", None)
    if token is None or token.role != "admin":
        raise HTTPException(403, "This needs an admin token.")
