"""CLI commands of this area: users who sign in by email (`locator user create|list|disable`)."""
from __future__ import annotations

import click

from locator.cli_support import pass_services
from locator.errors import LocatorError
from locator.models import USER_ROLES
from locator.services import Services


@click.group()
def user() -> None:
    """Users who sign in by an emailed link: partner users, sellers and admins."""


@user.command("create")
@click.option("--email", required=True, help="The user's email address (unique, any case).")
@click.option("--role", type=click.Choice(USER_ROLES), required=True)
@click.option("--partner", "partner_ref", default=None, help="For partner users: the partner's id or slug.")
@pass_services
def create(services: Services, email: str, role: str, partner_ref: str | None) -> None:
    """Create a user; they sign in at /sign-in with this address (a link is emailed each time)."""
    from locator import accounts

    with services.db.session() as session:
        partner = None
        if partner_ref is not None:
            partner = accounts.find_partner(session, partner_ref)
            if partner is None:
                raise LocatorError(f"no partner has the id or slug {partner_ref!r}", field="partner")
        created = accounts.create_user(session, email, role, partner)
        line = f"created {created.role} {created.email}" + (f" for partner {partner.external_id} ({partner.slug})"
                                                             if partner else "")
    click.echo(f"{line}; they sign in at /sign-in with this address")


@user.command("list")
@pass_services
def list_command(services: Services) -> None:
    """List users: id, email, role, partner (external id), created, last sign-in, status."""
    from locator import accounts

    with services.db.session() as session:
        for found, partner in accounts.list_users(session):
            last = found.last_sign_in_at.isoformat(timespec="seconds") if found.last_sign_in_at else "never"
            status = f"disabled {found.disabled_at.isoformat(timespec='seconds')}" if found.disabled_at else "active"
            click.echo("\t".join([str(found.id), found.email, found.role, partner.external_id if partner else "-",
                                  found.created_at.isoformat(timespec="seconds"), last, status]))


@user.command("disable")
@click.argument("email")
@pass_services
def disable(services: Services, email: str) -> None:
    """Disable a user: their sessions end and their unused sign-in links stop working."""
    from locator import accounts

    with services.db.session() as session:
        found = accounts.find_user(session, email)
        if found is None:
            raise LocatorError(f"no user has the email address {email!r}", field="email")
        accounts.disable_user(session, found)
        address = found.email
    click.echo(f"disabled {address}")


COMMANDS = (user,)  # registered on `locator` by locator.cli
