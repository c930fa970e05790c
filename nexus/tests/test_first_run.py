"""What `python3 dev.py run` prints: the URLs and logins once, without repeated or noisy lines."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs under the embedded default (no services) with the development settings, as dev.py does.
LOGGING_PROBE = """
import logging
import django
django.setup()
logging.getLogger("django.utils.autoreload").info("Watching for file changes with StatReloader")
from nexus.celery import app
with app.producer_or_acquire(None):
    pass
logging.getLogger("celery.app.trace").info("Task commerce.image_renditions_generate succeeded")
logging.getLogger("nexus").info("still shown")
"""


def _dev_module():
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_banner_names_the_port_and_leaves_the_logins_to_the_seed_output():
    banner = _dev_module().banner("8123")

    assert "http://127.0.0.1:8123/" in banner
    assert "http://127.0.0.1:8123/admin/" in banner
    assert "PORT=" in banner
    assert "nexus-admin" not in banner


def test_first_run_logs_each_line_once_and_no_broker_or_task_noise():
    service_variables = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "LOG_LEVEL"}
    env = {key: value for key, value in os.environ.items() if key not in service_variables}
    env["DJANGO_SETTINGS_MODULE"] = "nexus.settings.dev"

    result = subprocess.run(
        [sys.executable, "-c", LOGGING_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert output.count("Watching for file changes with StatReloader") == 1
    assert "No hostname was supplied" not in output
    assert "image_renditions_generate" not in output
    assert output.count("still shown") == 1


def test_readme_mentions_the_port_variable():
    assert "PORT=" in (ROOT / "README.md").read_text()
