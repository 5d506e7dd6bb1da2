"""reports: the history read by period (the statuses reached, the actions done), and each
transition's time in the status it left (stage_passage), filled from the history here and
written by the engine from now on

Revision ID: 0023_reports
Revises: 0022_job_receipts
Create Date: 2026-11-30 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_reports'
down_revision = '0022_job_receipts'
branch_labels = None
depends_on = None

# Each transition, with the time of the row before it that entered a status (a transition, or
# the registration): what the engine writes for every new one.
_BACKFILL = """
INSERT INTO stage_passage (device_id, from_status, to_status, entered_at, left_at, seconds)
SELECT device_id, from_status, to_status, entered_at, at, {seconds}
FROM (SELECT device_id, from_status, to_status, at,
             lag(at) OVER (PARTITION BY device_id ORDER BY id) AS entered_at
      FROM device_event WHERE from_status IS NOT NULL OR action = 'register') AS moves
WHERE from_status IS NOT NULL AND entered_at IS NOT NULL
"""
_SECONDS = {
    "postgresql": "CAST(round(EXTRACT(EPOCH FROM at - entered_at)) AS INTEGER)",
    "sqlite": "CAST(round((julianday(at) - julianday(entered_at)) * 86400) AS INTEGER)",
}


# When each device entered its present status: the engine keeps it with the status from now on.
_STATUS_SINCE = """
UPDATE device SET status_since = (
    SELECT max(at) FROM device_event
    WHERE device_event.device_id = device.id AND device_event.to_status = device.status
      AND (device_event.from_status IS NOT NULL OR device_event.action = 'register'))
"""


def upgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_since', sa.DateTime(), nullable=True))
    op.execute(_STATUS_SINCE)
    with op.batch_alter_table('device_event', schema=None) as batch_op:
        batch_op.create_index('ix_device_event_to_status_at', ['to_status', 'at'], unique=False)
        batch_op.create_index('ix_device_event_action_at', ['action', 'at'], unique=False)
    op.create_table('stage_passage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('left_at', sa.DateTime(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_stage_passage_device_id_device')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_passage'))
    )
    with op.batch_alter_table('stage_passage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_passage_device_id'), ['device_id'], unique=False)
        batch_op.create_index('ix_stage_passage_to_status_left_at', ['to_status', 'left_at'], unique=False)
    dialect = op.get_bind().dialect.name
    op.execute(_BACKFILL.format(seconds=_SECONDS.get(dialect, _SECONDS["postgresql"])))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+): batch mode would copy and drop the device table,
    # which the history's foreign keys forbid once there is data.
    op.drop_column('device', 'status_since')
    with op.batch_alter_table('stage_passage', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_passage_to_status_left_at')
        batch_op.drop_index(batch_op.f('ix_stage_passage_device_id'))
    op.drop_table('stage_passage')
    with op.batch_alter_table('device_event', schema=None) as batch_op:
        batch_op.drop_index('ix_device_event_action_at')
        batch_op.drop_index('ix_device_event_to_status_at')
