"""The environment, read through django-environ's `env` by every settings module (and nowhere
else). A local .env file is a convenience for developers; real deployments set variables."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
