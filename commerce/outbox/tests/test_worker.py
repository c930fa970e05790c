"""Notifications delivered by a real Celery worker process through RabbitMQ, on a database
server (PostgreSQL or MariaDB).

Each test starts its own worker (`celery -A nexus worker`) on a queue named for the test run,
so other workers on the same broker never see these tasks. The worker writes e-mails to files
in a temporary directory that the test reads: what is counted there is what was sent.
"""

import email
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, transaction

from commerce.notifications import notify_order_paid
from commerce.orders import order_transition
from commerce.outbox.models import OutboxMessage, SentEmail
from commerce.outbox.services import outbox_drain, outbox_publish

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPOSITORY = Path(__file__).resolve().parents[3]


def wait_for(condition, *, timeout=60.0, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}")


class Worker:
    """A Celery worker process consuming one queue, with e-mail written to `email_dir`."""

    def __init__(self, *, broker_url, queue, email_dir, log_path):
        self.broker_url, self.queue = broker_url, queue
        self.email_dir, self.log_path = email_dir, log_path
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "commerce.outbox.tests.worker_settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "NEXUS_TEST_QUEUE": self.queue,
            "NEXUS_TEST_EMAIL_DIR": str(self.email_dir),
            "LOG_LEVEL": "INFO",
        }
        env.pop("REDIS_URL", None)
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "nexus",
                "worker",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
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
            cwd=REPOSITORY,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: b"ready." in self.log_path.read_bytes() or self.process.poll() is not None,
            timeout=60,
            message="the worker to start",
        )
        assert self.process.poll() is None, self.log_path.read_text()
        return self

    def pool_children(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def database_url() -> str:
    """The URL of the test database, for the worker process."""
    database = connection.settings_dict
    scheme, port = {"postgresql": ("postgres", 5432), "mysql": ("mysql", 3306)}[connection.vendor]
    return (
        f"{scheme}://{database['USER']}:{database['PASSWORD'] or ''}@"
        f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or port}/{database['NAME']}"
    )


def transactions_waiting_for_a_lock_on(table: str) -> int:
    """How many transactions of the test database wait for a row lock on `table`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Statistics are a snapshot per transaction unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE %s",
                [f"%{table}%"],
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM information_schema.innodb_trx AS trx "
                "JOIN information_schema.processlist AS process ON process.id = "
                "trx.trx_mysql_thread_id WHERE process.db = DATABASE() "
                "AND trx.trx_state = 'LOCK WAIT' AND trx.trx_query LIKE %s",
                [f"%{table}%"],
            )
        return cursor.fetchone()[0]


def sent_emails(email_dir: Path) -> list[email.message.Message]:
    """Every e-mail the file backend wrote (each file holds messages separated by a rule)."""
    messages = []
    for path in sorted(email_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip()))
    return messages


def deliveries_finished(log_dir: Path) -> int:
    logs = b"".join(path.read_bytes() for path in log_dir.glob("worker-*.log"))
    return sum(
        1 for line in logs.splitlines() if b"Task outbox.deliver[" in line and b"succeeded" in line
    )


@pytest.fixture
def celery_queue(broker_url):
    """Route this test's tasks to a queue of its own and delete the queue afterwards."""
    from nexus.celery import app

    queue = f"nexus-test-{uuid.uuid4().hex[:12]}"
    previous = (app.conf.task_default_queue, app.conf.task_always_eager)
    app.conf.task_default_queue, app.conf.task_always_eager = queue, False
    yield queue
    app.conf.task_default_queue, app.conf.task_always_eager = previous
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def worker(server_database, broker_url, celery_queue, tmp_path):
    email_dir = tmp_path / "mail"
    email_dir.mkdir()
    started = []

    def start():
        process = Worker(
            broker_url=broker_url,
            queue=celery_queue,
            email_dir=email_dir,
            log_path=tmp_path / f"worker-{len(started)}.log",
        ).start()
        started.append(process)
        return process

    start.email_dir = email_dir
    yield start
    for process in started:
        process.stop()


@contextmanager
def broker_unreachable():
    """Point the test process's publishing at a port nobody listens on.

    Celery reads `broker_url` from the environment (CELERY_BROKER_URL) before its own setting,
    so the URL it publishes to is changed through `broker_write_url`, and checked."""
    from nexus.celery import app

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.get("broker_write_url")
    app.conf.broker_write_url = "amqp://guest:guest@127.0.0.1:1//"
    reset_pools()
    try:
        assert app.connection_for_write().port == 1
        yield
    finally:
        app.conf.broker_write_url = previous
        reset_pools()
    assert app.connection_for_write().port != 1


def pay(order):
    """What the payment service does when the provider confirms a payment."""
    with transaction.atomic():
        order_transition(order=order, to_status="paid", note="Payment succeeded.")
        notify_order_paid(order=order)


def test_a_paid_order_sends_one_confirmation_and_one_notice_per_vendor_from_the_worker(
    worker, two_vendor_pending_order
):
    start = worker
    start()
    order = two_vendor_pending_order.order

    pay(order)

    wait_for(
        lambda: OutboxMessage.objects.filter(status="delivered").count() == 3,
        message="three delivered messages",
    )
    messages = sent_emails(start.email_dir)
    assert sorted(message["To"] for message in messages) == [
        "alpha-goods@vendors.example.com, owner@alpha.example.com",
        "beta-wares@vendors.example.com",
        "shopper@example.com",
    ]
    subjects = {message["To"]: message["Subject"] for message in messages}
    assert subjects["shopper@example.com"] == f"Nexus: order {order.number} confirmed"
    assert SentEmail.objects.count() == 3


def test_an_order_paid_through_the_api_is_notified_by_the_worker(worker, two_vendor_pending_order):
    """The whole path: the payments API (dummy provider, Stripe's success card) stores the
    provider's event, the worker handles it (order paid, outbox messages recorded) and then
    delivers the e-mails."""
    from rest_framework.test import APIClient

    start = worker
    start()
    order = two_vendor_pending_order.order
    api = APIClient()
    api.force_authenticate(two_vendor_pending_order.shopper)

    response = api.post(
        f"/api/v1/orders/{order.number}/payment/",
        {"card_number": "4242 4242 4242 4242"},
        format="json",
    )

    assert response.status_code == 201, response.content
    wait_for(
        lambda: OutboxMessage.objects.filter(status="delivered").count() == 3,
        message="three delivered messages",
    )
    order.refresh_from_db()
    assert order.status == "paid"
    messages = sent_emails(start.email_dir)
    assert sorted(message["To"] for message in messages) == [
        "alpha-goods@vendors.example.com, owner@alpha.example.com",
        "beta-wares@vendors.example.com",
        "shopper@example.com",
    ]


def test_a_broker_outage_at_payment_loses_nothing_and_sends_once_when_back(
    worker, two_vendor_pending_order
):
    from commerce.outbox.tasks import outbox_drain_task

    start = worker
    start()
    order = two_vendor_pending_order.order

    with broker_unreachable():
        pay(order)  # the payment commits; publishing after commit fails

    order.refresh_from_db()
    assert order.status == "paid"
    assert list(OutboxMessage.objects.values_list("status", "attempts")) == [("pending", 0)] * 3
    assert sent_emails(start.email_dir) == []

    # The broker is back: the periodic drain (here sent to the worker like beat would) publishes.
    outbox_drain_task.delay()
    wait_for(
        lambda: OutboxMessage.objects.filter(status="delivered").count() == 3,
        message="three delivered messages",
    )
    # A second drain and a stray duplicate publish send nothing more.
    assert outbox_drain() == 0
    outbox_publish(message_ids=list(OutboxMessage.objects.values_list("pk", flat=True)))
    wait_for(
        lambda: deliveries_finished(start.email_dir.parent) == 6,
        message="the duplicate deliveries to finish",
    )
    assert len(sent_emails(start.email_dir)) == 3
    assert SentEmail.objects.count() == 3


@pytest.mark.parametrize("victim", ["pool process", "whole worker"])
def test_a_worker_killed_mid_task_leaves_it_redelivered_and_the_effect_happens_once(
    worker, two_vendor_pending_order, victim
):
    """acks_late + task_reject_on_worker_lost: the message is acknowledged only after the task
    finished, so a SIGKILL mid-task puts it back in the queue."""
    start = worker
    first = start()
    order = two_vendor_pending_order.order
    message = OutboxMessage.objects.create(
        key=f"order-paid:{order.pk}:shopper",
        task_name="commerce.order_confirmation_send",
        payload={"order_id": order.pk},
    )
    # Hold the message's row lock, publish, and the worker's delivery is caught in the middle
    # of its task: that is where it is killed.
    with transaction.atomic():
        OutboxMessage.objects.select_for_update().get(pk=message.pk)
        outbox_publish(message_ids=[message.pk])
        if not first.pool_children():
            pytest.fail("the worker has no pool process")
        wait_for(
            lambda: transactions_waiting_for_a_lock_on("outbox_outboxmessage") == 1,
            message="the worker to be mid-task",
        )
        if victim == "pool process":
            os.kill(first.pool_children()[0], signal.SIGKILL)
        else:
            os.killpg(first.process.pid, signal.SIGKILL)
            first.process.wait()
            start()  # a replacement worker receives the unacknowledged message
    wait_for(
        lambda: OutboxMessage.objects.filter(pk=message.pk, status="delivered").exists(),
        message="the redelivered message to be delivered",
    )
    messages = sent_emails(start.email_dir)
    assert [m["To"] for m in messages] == ["shopper@example.com"]
    assert SentEmail.objects.count() == 1
    message.refresh_from_db()
    # The killed attempt never committed; the redelivery is the one recorded.
    assert message.attempts == 1
    if victim == "pool process":
        assert b"WorkerLostError" in first.log_path.read_bytes()
