"""media: storage-media management (interface, fate, destruction details, no storage found),
the devices a certificate covers

Revision ID: 0011_media
Revises: 0010_jobs
Create Date: 2026-11-30 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_media'
down_revision = '0010_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_storage_cycle', sa.Integer(), nullable=True))
    with op.batch_alter_table('storage_medium', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interface', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('fate', sa.String(length=20), nullable=True))
    with op.batch_alter_table('sanitisation_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('destroyed_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reference', sa.String(length=100), nullable=True))
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('covered_device_ids', sa.JSON(), nullable=True))
    # Media removed before this revision left without saying how: kept at the workshop.
    op.execute("UPDATE storage_medium SET fate = 'kept' WHERE removed_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_column('covered_device_ids')
    with op.batch_alter_table('sanitisation_record', schema=None) as batch_op:
        batch_op.drop_column('reference')
        batch_op.drop_column('destroyed_by')
    with op.batch_alter_table('storage_medium', schema=None) as batch_op:
        batch_op.drop_column('fate')
        batch_op.drop_column('interface')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('no_storage_cycle')
