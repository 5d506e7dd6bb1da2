"""device list and public help: indexes for the device list's sorts and filters (last change,
status then last change, brand and model, grade, asset tag, a disk's serial), and the help links
the coordination sets for a device's public page

Revision ID: 0021_device_list_public_help
Revises: 0020_history_chain
Create Date: 2026-11-30 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_device_list_public_help'
down_revision = '0020_history_chain'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_help',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('support_phone', sa.String(length=30), server_default='', nullable=False),
    sa.Column('support_hours', sa.String(length=200), server_default='', nullable=False),
    sa.Column('support_url', sa.String(length=500), server_default='', nullable=False),
    sa.Column('places_url', sa.String(length=500), server_default='', nullable=False),
    sa.Column('guides', sa.JSON(), nullable=False),
    sa.Column('guide_url', sa.String(length=500), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_public_help_one_row')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_public_help_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_help'))
    )
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.create_index('ix_device_asset_tag', ['asset_tag'], unique=False)
        batch_op.create_index('ix_device_brand_model', ['brand', 'model', 'id'], unique=False)
        batch_op.create_index('ix_device_grade', ['grade', 'id'], unique=False)
        batch_op.create_index('ix_device_status_updated', ['status', 'updated_at', 'id'], unique=False)
        batch_op.create_index('ix_device_updated', ['updated_at', 'id'], unique=False)

    with op.batch_alter_table('storage_medium', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storage_medium_serial'), ['serial'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        # How often the words of a search appear in "brand model" (recond.inventory.listing):
        # without it the planner guesses one device in a million and reads the whole table
        # to sort it, where walking the last-change index finds a page in a few hundred rows.
        op.execute("CREATE STATISTICS st_device_described "
                   "ON (lower((brand || ' ') || model)) FROM device")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP STATISTICS IF EXISTS st_device_described")
    with op.batch_alter_table('storage_medium', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storage_medium_serial'))

    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_index('ix_device_updated')
        batch_op.drop_index('ix_device_status_updated')
        batch_op.drop_index('ix_device_grade')
        batch_op.drop_index('ix_device_brand_model')
        batch_op.drop_index('ix_device_asset_tag')

    op.drop_table('public_help')
