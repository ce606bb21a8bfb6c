"""The `locator` command. Each area adds its commands in its own module (imported at the bottom)."""
from __future__ import annotations

import sys
from functools import wraps

import click
from sqlalchemy.exc import DBAPIError

from locator.config import Config
from locator.errors import LocatorError, SetupError
from locator.services import Services


class LocatorGroup(click.Group):
    """Turns known errors into one clear line and a non-zero exit, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (SetupError, LocatorError) as exc:
            click.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
            sys.exit(2)
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            click.echo(f"error: the store failed: {reason}", err=True)
            sys.exit(2)
        except OSError as exc:
            click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
            sys.exit(2)


@click.group(cls=LocatorGroup)
@click.option("--database-url", envvar="LOCATOR_DATABASE_URL", default=None, help="Store URL (LOCATOR_DATABASE_URL).")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Partner Locator: find authorised channel partners."""
    overrides = {"database_url": database_url} if database_url else {}
    ctx.obj = Services(Config.from_env(overrides=overrides))
    ctx.call_on_close(ctx.obj.close)  # the search core's follower thread too, then the store's connections


pass_services = click.make_pass_decorator(Services)


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


# Commands of each area register themselves on `main`.
from locator.ingest import commands as _ingest_commands  # noqa: E402,F401
from locator.search import commands as _search_commands  # noqa: E402,F401
from locator.web import commands as _web_commands  # noqa: E402,F401

