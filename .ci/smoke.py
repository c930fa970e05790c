"""The first README command, minus the server: migrate, seed the demo shop, fetch pages.

Run by .ci/run on a throw-away SQLite database so `python3 dev.py run` cannot silently rot.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

django.setup()
setup_test_environment()

call_command("migrate", "--no-input", verbosity=0)
call_command("seed_demo", "--admin-email", "admin@nexus.localhost", "--admin-password", "smoke")
call_command("seed_demo", "--admin-email", "admin@nexus.localhost", "--admin-password", "smoke")

client = Client()
for path in ["/", "/admin/login/", "/healthz", "/api/v2/pages/", "/api/v1/schema/"]:
    response = client.get(path)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    print(f"ok {response.status_code} {path}")
assert client.login(username="admin@nexus.localhost", password="smoke"), "admin cannot log in"
response = client.get("/admin/")
assert response.status_code == 200, f"/admin/ answered {response.status_code}"
print("ok admin login")
