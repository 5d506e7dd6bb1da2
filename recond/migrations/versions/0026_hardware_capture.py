"""hardware captures: the inventory file a machine wrote about itself, kept as evidence

Revision ID: 0026_hardware_capture
Revises: 0025_webhooks
Create Date: 2026-11-30 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026_hardware_capture'
down_revision = '0025_webhooks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hardware_capture',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('inventory', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.JSON(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_hardware_capture_device_id_device')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_hardware_capture_uploaded_by_id_user_account')),
    sa.ForeignKeyConstraint(['workshop_id'], ['organisation.id'], name=op.f('fk_hardware_capture_workshop_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hardware_capture')),
    sa.UniqueConstraint('device_id', 'sha256', name=op.f('uq_hardware_capture_device_id'))
    )
    with op.batch_alter_table('hardware_capture', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hardware_capture_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hardware_capture_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_hardware_capture_workshop_id'), ['workshop_id'], unique=False)


def downgrade():
    with op.batch_alter_table('hardware_capture', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hardware_capture_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_hardware_capture_sha256'))
        batch_op.drop_index(batch_op.f('ix_hardware_capture_device_id'))

    op.drop_table('hardware_capture')
