"""CLI commands of this area: `locator insights seed` (a generated stream of searches for the demo)."""
from __future__ import annotations

import click

from locator.cli_support import pass_services
from locator.services import Services


@click.group()
def insights() -> None:
    """Search insights (/admin/insights)."""


@insights.command("seed")
@click.option("--searches", default=3000, show_default=True, type=click.IntRange(1, 1_000_000),
              help="How many searches to generate.")
@click.option("--seed", "seed_value", default=1, show_default=True, type=int, help="Random seed (same seed, same stream).")
@pass_services
def seed_command(services: Services, searches: int, seed_value: int) -> None:
    """Record a realistic stream of public searches over the store's partners (the last four weeks)."""
    from locator.insights.seed import seed

    counts = seed(services, searches, seed_value)
    click.echo(f"recorded {counts['searches']} searches and {counts['views']} profile views"
               + (f" ({counts['refused']} refused by the parser)" if counts["refused"] else ""))


COMMANDS = (insights,)  # registered on `locator` by locator.cli
