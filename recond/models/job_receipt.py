"""What a background job committed, written in the same transaction as its work.

rq tries a job again when it fails (a database connection lost mid-job, a worker gone). A job
whose commit reached the database but whose answer did not would then do its work twice; with
a receipt in that very commit, the retry finds it and returns what was done instead.
"""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from recond.clock import utcnow
from recond.extensions import db


class JobReceipt(db.Model):
    __tablename__ = "job_receipt"

    job_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    result: Mapped[Any] = mapped_column(JSON, nullable=False)
    # Receipts are forgotten a few days later (the worker's maintenance), long after any retry.
    finished_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
