"""wipe evidence used once: one row per log and workshop, one record per drive of a log; the
passes, blanking, drive size and a match confirmed by hand on each sanitisation record

Revision ID: 0009_wipelogs
Revises: 0008
Create Date: 2026-11-30 05:18:44.866167

"""
import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_wipelogs'
down_revision = '0008'
branch_labels = None
depends_on = None


def _merge_duplicate_logs(bind):
    """A log uploaded twice in a workshop was two rows: keep the first, point the records of
    the copies at it. A drive recorded on two media through two copies is the very fault this
    revision closes; which medium is truly wiped is for a person to decide, so stop there."""
    groups = bind.execute(sa.text(
        "SELECT workshop_id, sha256, MIN(id) FROM sanitisation_evidence "
        "GROUP BY workshop_id, sha256 HAVING COUNT(*) > 1")).all()
    for workshop_id, sha256, keep in groups:
        copies = [row[0] for row in bind.execute(sa.text(
            "SELECT id FROM sanitisation_evidence WHERE workshop_id = :w AND sha256 = :s "
            "AND id <> :k"), {"w": workshop_id, "s": sha256, "k": keep})]
        for copy in copies:
            bind.execute(sa.text("UPDATE sanitisation_record SET evidence_id = :k "
                                 "WHERE evidence_id = :c"), {"k": keep, "c": copy})
            bind.execute(sa.text("DELETE FROM sanitisation_evidence WHERE id = :c"), {"c": copy})
    twice = bind.execute(sa.text(
        "SELECT evidence_id, drive, COUNT(*) FROM sanitisation_record WHERE evidence_id IS NOT NULL "
        "GROUP BY evidence_id, drive HAVING COUNT(*) > 1")).all()
    if twice:
        listed = "; ".join(f"log {e}, drive {d}: {n} media" for e, d, n in twice)
        raise RuntimeError(
            "One drive of a wipe log is recorded on several storage media (" + listed + "). "
            "Decide which medium the drive really was, sanitise the others again, then upgrade.")


def _times_to_utc(bind):
    """Records read from a log kept nwipe's local clock as if it were UTC."""
    zone = ZoneInfo(os.environ.get("RECOND_TIMEZONE", "Europe/Paris"))
    rows = bind.execute(sa.text("SELECT id, started_at, finished_at FROM sanitisation_record "
                                "WHERE evidence_id IS NOT NULL")).all()
    for record_id, started, finished in rows:
        def utc(value):
            if value is None:
                return None
            if isinstance(value, str):  # SQLite hands back text
                value = datetime.fromisoformat(value)
            return value.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
        bind.execute(sa.text("UPDATE sanitisation_record SET started_at = :s, finished_at = :f "
                             "WHERE id = :i"), {"s": utc(started), "f": utc(finished), "i": record_id})


def upgrade():
    bind = op.get_bind()
    _merge_duplicate_logs(bind)
    _times_to_utc(bind)
    with op.batch_alter_table('sanitisation_evidence', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_sanitisation_evidence_workshop_id'), ['workshop_id', 'sha256'])

    with op.batch_alter_table('sanitisation_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('blanking', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('size_bytes', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('matched_by_hand', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('match_reason', sa.String(length=500), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_sanitisation_record_evidence_id'), ['evidence_id', 'drive'])


def downgrade():
    with op.batch_alter_table('sanitisation_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_sanitisation_record_evidence_id'), type_='unique')
        batch_op.drop_column('match_reason')
        batch_op.drop_column('matched_by_hand')
        batch_op.drop_column('size_bytes')
        batch_op.drop_column('blanking')
        batch_op.drop_column('passes')

    with op.batch_alter_table('sanitisation_evidence', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_sanitisation_evidence_workshop_id'), type_='unique')
