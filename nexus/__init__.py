"""Nexus site configuration. Named after the project: a package called `site` would be
shadowed by Python's own `site` module, which the interpreter imports at start-up."""

from .celery import app as celery_app

__all__ = ("celery_app",)
