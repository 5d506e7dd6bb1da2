"""jobs: a manifest import remembers when it was queued and why its background run failed

Revision ID: 0009_jobs
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_jobs'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('error_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('error_message', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('device_import', schema=None) as batch_op:
        batch_op.drop_column('error_message')
        batch_op.drop_column('error_code')
        batch_op.drop_column('queued_at')
