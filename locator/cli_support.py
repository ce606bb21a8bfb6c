"""What every command module shares: the decorator that hands a command its Services, and the group class
that turns known errors into one line. A leaf: the command modules import it, locator.cli registers them."""
from __future__ import annotations

import sys

import click
from sqlalchemy.exc import DBAPIError

from locator.errors import LocatorError, SetupError
from locator.services import Services

pass_services = click.make_pass_decorator(Services)


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
