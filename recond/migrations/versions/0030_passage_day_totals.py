"""passage day totals: the passages per day without their duration buckets, for the reports'
counts (steps done, weekly flow), filled here from passage_day

Revision ID: 0030_passage_day_totals
Revises: 0029_report_rollups
Create Date: 2026-11-30 19:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_passage_day_totals'
down_revision = '0029_report_rollups'
branch_labels = None
depends_on = None

_KEYS = "workshop_id, category, day, action, from_status, to_status"


def upgrade():
    op.create_table('passage_day_total',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('passages', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('workshop_id', 'category', 'day', 'action', 'from_status',
                            'to_status', name=op.f('pk_passage_day_total'))
    )
    # The days already rolled, totalled as `recond.reports.rollups.roll_days` now does.
    op.execute(f"INSERT INTO passage_day_total ({_KEYS}, passages, seconds) "
               f"SELECT {_KEYS}, sum(passages), sum(seconds) FROM passage_day GROUP BY {_KEYS}")


def downgrade():
    op.drop_table('passage_day_total')
