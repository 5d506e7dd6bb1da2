"""workshops and transfers: how a deposit was routed, transfer notes between workshops

Revision ID: 0027_workshops_transfers
Revises: 0026_hardware_capture
Create Date: 2026-11-30 11:39:39.344545

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027_workshops_transfers'
down_revision = '0026_hardware_capture'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('transfer_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_workshop_id', sa.Integer(), nullable=False),
    sa.Column('to_workshop_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('shipped_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('from_workshop_id <> to_workshop_id', name=op.f('ck_transfer_note_two_workshops')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_transfer_note_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['from_workshop_id'], ['organisation.id'], name=op.f('fk_transfer_note_from_workshop_id_organisation')),
    sa.ForeignKeyConstraint(['to_workshop_id'], ['organisation.id'], name=op.f('fk_transfer_note_to_workshop_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_note'))
    )
    with op.batch_alter_table('transfer_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_note_from_workshop_id'), ['from_workshop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_note_to_workshop_id'), ['to_workshop_id'], unique=False)

    op.create_table('transfer_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=True),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_transfer_item_device_id_device')),
    sa.ForeignKeyConstraint(['note_id'], ['transfer_note.id'], name=op.f('fk_transfer_item_note_id_transfer_note')),
    sa.ForeignKeyConstraint(['received_by_id'], ['user_account.id'], name=op.f('fk_transfer_item_received_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_item')),
    sa.UniqueConstraint('note_id', 'device_id', name='uq_transfer_item_device')
    )
    with op.batch_alter_table('transfer_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_item_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_item_note_id'), ['note_id'], unique=False)

    op.create_table('transfer_unexpected_scan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=300), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('scanned_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_transfer_unexpected_scan_device_id_device')),
    sa.ForeignKeyConstraint(['note_id'], ['transfer_note.id'], name=op.f('fk_transfer_unexpected_scan_note_id_transfer_note')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_unexpected_scan'))
    )
    with op.batch_alter_table('transfer_unexpected_scan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_unexpected_scan_note_id'), ['note_id'], unique=False)

    with op.batch_alter_table('deposit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('routing', sa.String(length=20), nullable=True))



def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+): batch mode would copy and drop the deposit table,
    # which the devices' foreign keys forbid once there is data.
    op.drop_column('deposit', 'routing')

    with op.batch_alter_table('transfer_unexpected_scan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_unexpected_scan_note_id'))

    op.drop_table('transfer_unexpected_scan')
    with op.batch_alter_table('transfer_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_item_note_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_item_device_id'))

    op.drop_table('transfer_item')
    with op.batch_alter_table('transfer_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_note_to_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_note_from_workshop_id'))

    op.drop_table('transfer_note')
