"""report rollups: each stage passage carries what the reports count it by (action, workshop,
category, duration bucket), filled here from the devices and the history; the passages per day
and the devices per status, kept by the worker

Revision ID: 0029_report_rollups
Revises: 0028_conventions_pickups
Create Date: 2026-11-30 15:00:00.000000

"""
import math

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029_report_rollups'
down_revision = '0028_conventions_pickups'
branch_labels = None
depends_on = None

# The passages written before: the device's workshop and category as they are now (the nearest
# record of where it was), the action of the history row that moved it on.
_BACKFILL = """
UPDATE stage_passage SET
  workshop_id = (SELECT workshop_id FROM device WHERE device.id = stage_passage.device_id),
  category = (SELECT category FROM device WHERE device.id = stage_passage.device_id),
  action = (SELECT e.action FROM device_event e
            WHERE e.device_id = stage_passage.device_id AND e.at = stage_passage.left_at
              AND e.to_status = stage_passage.to_status
            ORDER BY e.id DESC LIMIT 1),
  bucket = {bucket}
"""
# recond.models.history.duration_bucket, as it was written when this migration was (frozen here).
_BUCKET = {
    "postgresql": "CAST(floor(ln(greatest(seconds, 1)) / ln(1.05)) AS SMALLINT)",
    "sqlite": "recond_bucket_0029(seconds)",
}


def _bucket(seconds):
    return int(math.floor(math.log(max(seconds, 1)) / math.log(1.05)))


def backfill(bind):
    """The passages' new columns filled (also run by the reports' tests on their database)."""
    dialect = bind.dialect.name
    if dialect == "sqlite":
        bind.connection.dbapi_connection.create_function(
            "recond_bucket_0029", 1, _bucket, deterministic=True)
    bind.execute(sa.text(_BACKFILL.format(bucket=_BUCKET.get(dialect, _BUCKET["postgresql"]))))


def upgrade():
    op.add_column('stage_passage', sa.Column('action', sa.String(length=30), nullable=True))
    op.add_column('stage_passage', sa.Column('workshop_id', sa.Integer(), nullable=True))
    op.add_column('stage_passage', sa.Column('category', sa.String(length=20), nullable=True))
    op.add_column('stage_passage', sa.Column('bucket', sa.SmallInteger(), nullable=True))
    backfill(op.get_bind())
    op.create_index('ix_stage_passage_left_at', 'stage_passage', ['left_at'], unique=False)
    op.create_table('passage_day',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('bucket', sa.SmallInteger(), nullable=False),
    sa.Column('passages', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('workshop_id', 'category', 'day', 'action', 'from_status',
                            'to_status', 'bucket', name=op.f('pk_passage_day'))
    )
    op.create_table('status_count',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('grade', sa.String(length=1), nullable=False),
    sa.Column('devices', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('workshop_id', 'category', 'status', 'grade',
                            name=op.f('pk_status_count'))
    )
    op.create_table('report_rollup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Date(), nullable=True),
    sa.Column('counted_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_rollup'))
    )


def downgrade():
    op.drop_table('report_rollup')
    op.drop_table('status_count')
    op.drop_table('passage_day')
    op.drop_index('ix_stage_passage_left_at', table_name='stage_passage')
    # Plain DROP COLUMN (SQLite 3.35+): batch mode would copy the table.
    for column in ('bucket', 'category', 'workshop_id', 'action'):
        op.drop_column('stage_passage', column)
