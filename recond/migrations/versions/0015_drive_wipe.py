"""one wipe of one drive certifies one storage medium across uploads: sanitisation_record
keeps the wipe's identity (tool, drive name, serial bytes, model, size, start and end), unique

Revision ID: 0015_drive_wipe
Revises: 0014_handover
Create Date: 2026-11-30 07:00:00

"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_drive_wipe'
down_revision = '0014_handover'
branch_labels = None
depends_on = None


def _identity(drive, tool):
    # The same computation as recond.workshop.wipe_evidence.drive_wipe, frozen here.
    identity = [tool, drive.get("device"), drive.get("serial_raw") or drive.get("serial") or "",
                drive.get("model"), drive.get("size_bytes"), drive.get("started_at"),
                drive.get("finished_at")]
    return hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()


def _backfill(bind):
    """Records made before: the first record of each wipe gets its identity. A wipe already
    recorded twice (the fault this revision closes) keeps its later records unmarked, for a
    person to look at; new uploads of that log are refused all the same."""
    rows = bind.execute(sa.text(
        "SELECT r.id, r.drive, e.tool, e.drives FROM sanitisation_record r "
        "JOIN sanitisation_evidence e ON e.id = r.evidence_id ORDER BY r.id")).all()
    seen = set()
    for record_id, drive_name, tool, drives in rows:
        if isinstance(drives, str):
            drives = json.loads(drives)
        drive = next((d for d in drives or [] if d.get("device") == drive_name), None)
        if drive is None:
            continue
        key = _identity(drive, tool)
        if key in seen:
            continue
        seen.add(key)
        bind.execute(sa.text("UPDATE sanitisation_record SET drive_wipe = :key WHERE id = :id"),
                     {"key": key, "id": record_id})


def upgrade():
    with op.batch_alter_table('sanitisation_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('drive_wipe', sa.String(length=64), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table('sanitisation_record', schema=None) as batch_op:
        batch_op.create_index('uq_sanitisation_record_drive_wipe', ['drive_wipe'], unique=True)


def downgrade():
    with op.batch_alter_table('sanitisation_record', schema=None) as batch_op:
        batch_op.drop_index('uq_sanitisation_record_drive_wipe')
        batch_op.drop_column('drive_wipe')
