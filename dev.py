#!/usr/bin/env python3
"""Set up and run Nexus with nothing but Python 3.11+.

    python3 dev.py run    # virtualenv, install, migrate, demo shop, admin login, serve on :8000
    python3 dev.py test   # virtualenv, install, lint, run the test suite

Uses only the standard library, so it works before anything is installed. The virtualenv
lives in .venv/ and is reinstalled only when a requirements file changes.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
ADMIN_EMAIL = "admin@nexus.localhost"
ADMIN_PASSWORD = "nexus-admin"  # noqa: S105 - the embedded demo's documented login


def _run(*args: object, env: dict | None = None) -> None:
    command = [str(arg) for arg in args]
    result = subprocess.run(command, cwd=ROOT, env=env)  # noqa: S603
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_virtualenv(requirements: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit(f"Nexus needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating virtualenv in {VENV.name}/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing {requirements} ...", flush=True)
    _run(
        PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements
    )
    stamp.write_text(digest)


def ensure_database_driver() -> None:
    """MariaDB/MySQL needs mysqlclient, which compiles against the system's client library;
    it is installed only when DATABASE_URL asks for that database."""
    if os.environ.get("DATABASE_URL", "").startswith("mysql"):
        ensure_virtualenv("requirements-mysql.txt")


def banner(port: str) -> str:
    """Where the shop answers. The logins are printed just above it by seed_demo, once."""
    return (
        f"\n  Nexus is running on http://127.0.0.1:{port}/\n"
        f"  Wagtail admin:  http://127.0.0.1:{port}/admin/  (logins above)\n"
        f"  API docs:       http://127.0.0.1:{port}/api/v1/docs/\n"
        "  Another port:   PORT=8001 python3 dev.py run\n"
    )


def run_site() -> None:
    ensure_virtualenv("requirements.txt")
    ensure_database_driver()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "nexus.settings.dev"}
    # Links in e-mails and the admin point at the address this server really listens on.
    env.setdefault("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    print("Preparing the database ...", flush=True)
    _run(PYTHON, "manage.py", "migrate", "--no-input", "--verbosity", "0", env=env)
    _run(
        PYTHON,
        "manage.py",
        "seed_demo",
        "--admin-email",
        ADMIN_EMAIL,
        "--admin-password",
        ADMIN_PASSWORD,
        env=env,
    )
    port = os.environ.get("PORT", "8000")
    print(banner(port), flush=True)
    command = [str(PYTHON), "manage.py", "runserver", f"127.0.0.1:{port}"]
    os.execve(command[0], command, env)  # noqa: S606


def run_tests(extra: list[str]) -> None:
    ensure_virtualenv("requirements-dev.txt")
    ensure_database_driver()
    _run(PYTHON, "-m", "ruff", "check", ".")
    _run(PYTHON, "-m", "pytest", *extra)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        sys.exit(__doc__)
    if sys.argv[1] == "run":
        run_site()
    else:
        run_tests(sys.argv[2:])


if __name__ == "__main__":
    main()
