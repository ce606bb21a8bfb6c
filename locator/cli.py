"""The `locator` command: the group and its store option; each area's commands are plain click commands
defined in its own commands module and registered here (imports point from here down to them)."""
from __future__ import annotations

import click

from locator.accounts import commands as accounts_commands
from locator.cli_support import LocatorGroup, pass_services
from locator.config import Config
from locator import lead_commands
from locator.ingest import commands as ingest_commands
from locator.insights import commands as insights_commands
from locator.search import commands as search_commands
from locator.services import Services
from locator.web import commands as web_commands


@click.group(cls=LocatorGroup)
@click.option("--database-url", envvar="LOCATOR_DATABASE_URL", default=None, help="Store URL (LOCATOR_DATABASE_URL).")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Partner Locator: find authorised channel partners."""
    overrides = {"database_url": database_url} if database_url else {}
    ctx.obj = Services(Config.from_env(overrides=overrides))
    ctx.call_on_close(ctx.obj.close)  # the search core's follower thread too, then the store's connections


@main.command("settings")
def settings() -> None:
    """Print every setting (LOCATOR_* variable), its default and its meaning, as a Markdown table."""
    from locator.config import settings_table

    click.echo(settings_table(), nl=False)


@main.command("init-db")
@pass_services
def init_db(services: Services) -> None:
    """Create the store, or upgrade it to the newest schema (Alembic migrations; PostGIS extension too)."""
    before, after = services.db.create_all()
    change = "created" if before is None else ("up to date" if before == after else f"upgraded from {before}")
    click.echo(f"store ready at schema {after} ({change}): {services.config.database_url}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
@pass_services
def serve(services: Services, host: str, port: int, debug: bool) -> None:
    """Serve the locator (development server; use gunicorn wsgi:app in production)."""
    from locator import create_app

    app = create_app(services.config)
    app.run(host=host, port=port, debug=debug, use_reloader=False)


for command in (*ingest_commands.COMMANDS, *search_commands.COMMANDS, *web_commands.COMMANDS,
                *accounts_commands.COMMANDS, *insights_commands.COMMANDS, *lead_commands.COMMANDS):
    main.add_command(command)
