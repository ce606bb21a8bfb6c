"""Packaged place data the gazetteer is built from: first-level regions and postal codes."""
