"""report indexes: the history read by period and by status reached or action done

Revision ID: 0023_report_indexes
Revises: 0022_job_receipts
Create Date: 2026-11-30 12:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023_report_indexes'
down_revision = '0022_job_receipts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device_event', schema=None) as batch_op:
        batch_op.create_index('ix_device_event_to_status_at', ['to_status', 'at'], unique=False)
        batch_op.create_index('ix_device_event_action_at', ['action', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('device_event', schema=None) as batch_op:
        batch_op.drop_index('ix_device_event_action_at')
        batch_op.drop_index('ix_device_event_to_status_at')
