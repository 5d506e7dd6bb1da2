"""job receipts: what a background job committed, so that a retried job does nothing twice

Revision ID: 0022_job_receipts
Revises: 0021_device_list_public_help
Create Date: 2026-11-30 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_job_receipts'
down_revision = '0021_device_list_public_help'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_receipt',
    sa.Column('job_id', sa.String(length=64), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_job_receipt'))
    )
    with op.batch_alter_table('job_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_receipt_finished_at'), ['finished_at'], unique=False)


def downgrade():
    with op.batch_alter_table('job_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_receipt_finished_at'))

    op.drop_table('job_receipt')
