"""A private RabbitMQ node and a Celery worker for bench/faults.py, on loopback only.

The node is the system's RabbitMQ installation started with a node name, ports, data
directory, configuration and Erlang cookie of its own (all under the run's temporary
directory), so the machine's own broker on 5672 is never touched. The worker is
`celery -A nexus worker` with the embedded beat, writing its log to a file the bench reads.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")


class RabbitNode:
    """`rabbitmq-server -detached` on `port` (AMQP) and `port + 1` (Erlang distribution)."""

    def __init__(self, workdir: Path, port: int):
        self.port = port
        self.home = workdir / "rabbitmq"
        self.home.mkdir(mode=0o700)
        self.name = f"nexus-faults-{port}@localhost"
        (self.home / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{port}\n"
            "loopback_users.guest = true\n"
            # The bench restarts the broker within seconds; no disk alarm on a full /tmp.
            "disk_free_limit.absolute = 1MB\n"
        )
        (self.home / "enabled_plugins").write_text("[].\n")
        (self.home / "rabbitmq-env.conf").write_text("")
        self.env = {
            **os.environ,
            "HOME": str(self.home),  # its own Erlang cookie
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(port),
            "RABBITMQ_DIST_PORT": str(port + 1),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "RABBITMQ_MNESIA_BASE": str(self.home / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.home / "log"),
            "RABBITMQ_CONFIG_FILE": str(self.home / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.home / "enabled_plugins"),
            "RABBITMQ_CONF_ENV_FILE": str(self.home / "rabbitmq-env.conf"),
        }

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def ctl(self, *args: str, timeout: float = 180) -> None:
        subprocess.run(
            [str(RABBIT_BIN / "rabbitmqctl"), "-q", "-n", self.name, *args],
            env=self.env,
            capture_output=True,
            check=True,
            timeout=timeout,
        )

    def start(self) -> None:
        """Start the node (returns at once; `await_startup` waits for it)."""
        subprocess.run(
            [str(RABBIT_BIN / "rabbitmq-server"), "-detached"],
            env=self.env,
            capture_output=True,
            check=True,
            cwd=self.home,
        )

    def await_startup(self) -> None:
        self.ctl("await_startup", "--timeout", "170")

    def stop_app(self) -> None:
        """Stop the broker application: every AMQP connection is closed and the port refuses
        new ones; queued messages stay on disk. The Erlang VM keeps running, so it comes back
        in seconds rather than the minute a cold start takes on a busy machine."""
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")

    def shutdown(self) -> None:
        try:
            self.ctl("shutdown", timeout=60)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pid_files = list((self.home / "mnesia").glob("*.pid"))
            for pid_file in pid_files:
                with contextlib.suppress(ValueError, ProcessLookupError):
                    os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)


class CeleryWorker:
    """One `celery worker -B` process (prefork pool of one) whose log the bench reads."""

    RECEIVED = re.compile(rb"Task (\S+)\[([0-9a-f-]+)\] received")
    FINISHED = re.compile(rb"Task (\S+)\[([0-9a-f-]+)\] (?:succeeded|raised|retry)")

    def __init__(self, *, env: dict, repository: Path, workdir: Path, number: int):
        self.env, self.repository = env, repository
        self.log_path = workdir / f"worker-{number}.log"
        self.schedule = workdir / "beat-schedule"
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "nexus",
                "worker",
                "--beat",
                "--schedule",
                str(self.schedule),
                "--concurrency",
                "1",
                "--pool",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=self.repository,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if b"ready." in self.log_path.read_bytes():
                return
            if self.process.poll() is not None:
                raise SystemExit(f"the Celery worker exited:\n{self.log_path.read_text()}")
            time.sleep(0.2)
        raise SystemExit("the Celery worker did not become ready")

    def in_flight(self) -> list[str]:
        """Ids of tasks this worker received and has not finished (by its log)."""
        log = self.log_path.read_bytes()
        received = [match.group(2).decode() for match in self.RECEIVED.finditer(log)]
        finished = {match.group(2).decode() for match in self.FINISHED.finditer(log)}
        return [task_id for task_id in received if task_id not in finished]

    def received_ids(self) -> set[str]:
        log = self.log_path.read_bytes()
        return {match.group(2).decode() for match in self.RECEIVED.finditer(log)}

    def kill(self) -> None:
        """SIGKILL the worker and its pool process at once: no acknowledgement, no cleanup."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            self.log.close()
