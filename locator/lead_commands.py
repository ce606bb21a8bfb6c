"""CLI commands for contact requests: `locator leads remind` (flag unanswered leads to the channel team by email),
`locator purge` (delete what is past its retention) and `locator forget EMAIL` (delete a customer's data)."""
from __future__ import annotations

from typing import Callable

import click
from sqlalchemy.orm import Session

from locator.cli_support import pass_services
from locator.config import Config
from locator.services import Services


def _purge_leads(session: Session, config: Config) -> tuple[str, int]:
    from locator import leads

    return "leads", leads.purge(session, config.lead_retention_days)


def _forget_leads(session: Session, email: str) -> tuple[str, int]:
    from locator import leads

    return "leads", leads.forget(session, email)


# Each area that keeps data with a retention period, or a customer's data, adds its function here.
PURGERS: list[Callable[[Session, Config], tuple[str, int]]] = [_purge_leads]
FORGETTERS: list[Callable[[Session, str], tuple[str, int]]] = [_forget_leads]


@click.group()
def leads() -> None:
    """Contact requests (leads) sent to partners."""


@leads.command("remind")
@pass_services
def remind(services: Services) -> None:
    """Email the channel team (admins) the leads still new after LOCATOR_LEAD_REMINDER_DAYS (each once)."""
    from locator import leads as core

    with services.db.session() as session:
        flagged = core.remind(session, services.config, services.config.public_url or "http://127.0.0.1:5000")
    click.echo(f"flagged {flagged} unanswered lead{'s' if flagged != 1 else ''} to the channel team")


@click.command("purge")
@pass_services
def purge(services: Services) -> None:
    """Delete data older than its retention period (leads: LOCATOR_LEAD_RETENTION_DAYS)."""
    with services.db.session() as session:
        done = [purger(session, services.config) for purger in PURGERS]
    click.echo("deleted " + ", ".join(f"{count} {what}" for what, count in done))


@click.command("forget")
@click.argument("email")
@pass_services
def forget(services: Services, email: str) -> None:
    """Delete everything stored about a customer's email address (their contact requests)."""
    with services.db.session() as session:
        done = [forgetter(session, email) for forgetter in FORGETTERS]
    click.echo("deleted " + ", ".join(f"{count} {what}" for what, count in done))


COMMANDS = (leads, purge, forget)  # registered on `locator` by locator.cli
