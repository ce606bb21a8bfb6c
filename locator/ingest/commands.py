"""CLI commands of this area."""
from locator.cli import main, pass_services  # noqa: F401
