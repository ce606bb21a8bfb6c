"""CLI commands of this area: seller tokens (`locator token create|list|revoke`)."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from sqlalchemy import select

from locator.cli_support import pass_services
from locator.models import SellerToken
from locator.services import Services


@click.group()
def token() -> None:
    """Seller tokens: sign-in secrets for the seller view and the API (stored hashed)."""


@token.command("create")
@click.option("--role", type=click.Choice(["seller", "admin"]), default="seller", show_default=True)
@click.option("--name", default="seller", show_default=True, help="Who the token is for (shown in `token list`).")
@pass_services
def create(services: Services, role: str, name: str) -> None:
    """Create a token and print it once (only its hash is stored)."""
    from locator.auth import create_token

    with services.db.session() as session:
        raw = create_token(session, name, role)
    click.echo(raw)


@token.command("list")
@pass_services
def list_tokens(services: Services) -> None:
    """List tokens: id, role, name, created, revoked."""
    with services.db.session() as session:
        for t in session.scalars(select(SellerToken).order_by(SellerToken.id)):
            revoked = t.revoked_at.isoformat(timespec="seconds") if t.revoked_at else "active"
            click.echo(f"{t.id}\t{t.role}\t{t.name}\t{t.created_at.isoformat(timespec='seconds')}\t{revoked}")


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_services
def revoke(services: Services, token_id: int) -> None:
    """Revoke a token by its id (see `token list`); its sessions end at their next request."""
    with services.db.session() as session:
        found = session.get(SellerToken, token_id)
        if found is None:
            raise click.ClickException(f"no token with id {token_id}")
        if found.revoked_at is None:
            found.revoked_at = datetime.now(timezone.utc)
    click.echo(f"revoked token {token_id}")


COMMANDS = (token,)  # registered on `locator` by locator.cli
