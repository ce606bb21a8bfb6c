"""WSGI entry point: the only module-level app."""
from locator import create_app

app = create_app()
