"""APScheduler wiring: one poll job per account, one pipeline job, one publisher job.

Jobs never overlap themselves (max_instances=1) and missed runs collapse into
one (coalesce). Shutdown waits for running jobs, and every job writes in
short transactions, so SIGINT/SIGTERM never leaves a half-written row.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from bot.errors import ParleyError
from bot.pipeline import Pipeline
from bot.polling import poll_account
from bot.publishing import publish_due
from bot.runtime import Runtime

logger = logging.getLogger(__name__)



class ParleyScheduler:
    """Owns the background scheduler of a `parley run` process."""

    def __init__(self, runtime: Runtime, pipeline: Pipeline) -> None:
        self.runtime = runtime
        self.pipeline = pipeline
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=4)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
            timezone="UTC",
        )
        self._pipeline_lock = threading.Lock()

    def start(self) -> None:
        settings = self.runtime.settings
        now = datetime.now(UTC)
        for account in settings.accounts:
            if not account.enabled:
                continue
            self.scheduler.add_job(
                poll_job,
                "interval",
                seconds=account.poll_interval_seconds,  # a monthly read cap is paced by the budget
                args=[self, account.name],
                id=f"poll:{account.name}",
                name=f"poll {account.name}",
                next_run_time=now,
            )
        self.scheduler.add_job(
            process_job,
            "interval",
            seconds=settings.scheduler.process_interval_seconds,
            args=[self],
            id="process",
            name="process mentions",
            next_run_time=now + timedelta(seconds=1),
        )
        self.scheduler.add_job(
            publish_job,
            "interval",
            seconds=settings.scheduler.publish_interval_seconds,
            args=[self],
            id="publish",
            name="publish replies",
            next_run_time=now + timedelta(seconds=2),
        )
        self.scheduler.start()
        logger.info("scheduler started: %d account(s)", sum(1 for a in settings.accounts if a.enabled))

    def run_soon(self, job_id: str, at: datetime | None = None) -> None:
        try:
            self.scheduler.modify_job(job_id, next_run_time=at or datetime.now(UTC))
        except Exception:
            logger.debug("could not reschedule %s", job_id)

    def shutdown(self) -> None:
        """Stop taking new runs and wait for the running ones to finish their transaction."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
            logger.info("scheduler stopped cleanly")


def poll_job(owner: ParleyScheduler, account_name: str) -> None:
    account = owner.runtime.settings.account(account_name)
    try:
        result = poll_account(owner.runtime, account)
    except ParleyError as exc:
        logger.error("poll %s failed: %s", account_name, exc)
        return
    if result.stored:
        owner.run_soon("process")
    if result.outcome == "rate_limited" and result.retry_at is not None:
        retry = result.retry_at if result.retry_at.tzinfo else result.retry_at.replace(tzinfo=UTC)
        owner.run_soon(f"poll:{account_name}", retry + timedelta(seconds=1))


def process_job(owner: ParleyScheduler) -> None:
    with owner._pipeline_lock:
        try:
            result = owner.pipeline.process_new()
        except ParleyError as exc:
            logger.error("processing failed: %s", exc)
            return
    if result.routes.get("auto"):
        owner.run_soon("publish")


def publish_job(owner: ParleyScheduler) -> None:
    try:
        publish_due(runtime=owner.runtime)
    except ParleyError as exc:
        logger.error("publishing failed: %s", exc)
