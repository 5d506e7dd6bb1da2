"""jobs: a manifest import remembers when it was queued and why its background run failed

Revision ID: 0010_jobs
Revises: 0009_wipelogs
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_jobs'
down_revision = '0009_wipelogs'
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
