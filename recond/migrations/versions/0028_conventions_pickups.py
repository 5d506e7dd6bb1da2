"""partner conventions (supplies, returns with their certificates) and the pickups calendar

Revision ID: 0028_conventions_pickups
Revises: 0027_workshops_transfers
Create Date: 2026-11-30 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028_conventions_pickups'
down_revision = '0027_workshops_transfers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('convention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('supply_promised', sa.Integer(), nullable=False),
    sa.Column('output_owed', sa.Integer(), nullable=True),
    sa.Column('output_ratio_percent', sa.Integer(), nullable=True),
    sa.Column('price_cap_cents', sa.Integer(), nullable=False),
    sa.Column('destination', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('supply_promised > 0', name=op.f('ck_convention_supply_positive')),
    sa.CheckConstraint('(output_owed IS NULL) <> (output_ratio_percent IS NULL)', name=op.f('ck_convention_owed_or_ratio')),
    sa.CheckConstraint('output_owed IS NULL OR output_owed > 0', name=op.f('ck_convention_owed_positive')),
    sa.CheckConstraint('output_ratio_percent IS NULL OR (output_ratio_percent > 0 AND output_ratio_percent <= 100)', name=op.f('ck_convention_ratio_percent')),
    sa.CheckConstraint('price_cap_cents > 0', name=op.f('ck_convention_price_cap_positive')),
    sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_convention_period_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_convention_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['partner_id'], ['organisation.id'], name=op.f('fk_convention_partner_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_convention')),
    sa.UniqueConstraint('number', name=op.f('uq_convention_number'))
    )
    with op.batch_alter_table('convention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convention_partner_id'), ['partner_id'], unique=False)

    op.create_table('convention_deposit',
    sa.Column('deposit_id', sa.Integer(), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_convention_deposit_convention_id_convention')),
    sa.ForeignKeyConstraint(['deposit_id'], ['deposit.id'], name=op.f('fk_convention_deposit_deposit_id_deposit')),
    sa.ForeignKeyConstraint(['marked_by_id'], ['user_account.id'], name=op.f('fk_convention_deposit_marked_by_id_user_account')),
    sa.PrimaryKeyConstraint('deposit_id', name=op.f('pk_convention_deposit'))
    )
    with op.batch_alter_table('convention_deposit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convention_deposit_convention_id'), ['convention_id'], unique=False)

    op.create_table('convention_supply',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('supplied_by_id', sa.Integer(), nullable=True),
    sa.Column('supplied_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_convention_supply_convention_id_convention')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_convention_supply_device_id_device')),
    sa.ForeignKeyConstraint(['supplied_by_id'], ['user_account.id'], name=op.f('fk_convention_supply_supplied_by_id_user_account')),
    sa.PrimaryKeyConstraint('device_id', name=op.f('pk_convention_supply'))
    )
    with op.batch_alter_table('convention_supply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convention_supply_convention_id'), ['convention_id'], unique=False)

    op.create_table('partner_return',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('manifest_filename', sa.String(length=255), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('certificate_filename', sa.String(length=255), nullable=False),
    sa.Column('certificate_sha256', sa.String(length=64), nullable=False),
    sa.Column('certificate', sa.LargeBinary(), nullable=False),
    sa.Column('devices', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_partner_return_convention_id_convention')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_partner_return_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_return')),
    sa.UniqueConstraint('number', name=op.f('uq_partner_return_number'))
    )
    with op.batch_alter_table('partner_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_return_convention_id'), ['convention_id'], unique=False)

    op.create_table('convention_return',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('convention_id', sa.Integer(), nullable=False),
    sa.Column('partner_return_id', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('returned_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("origin IN ('supplied', 'new')", name=op.f('ck_convention_return_origin_known')),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], name=op.f('fk_convention_return_convention_id_convention')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_convention_return_device_id_device')),
    sa.ForeignKeyConstraint(['partner_return_id'], ['partner_return.id'], name=op.f('fk_convention_return_partner_return_id_partner_return')),
    sa.PrimaryKeyConstraint('device_id', name=op.f('pk_convention_return'))
    )
    with op.batch_alter_table('convention_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convention_return_convention_id'), ['convention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_convention_return_partner_return_id'), ['partner_return_id'], unique=False)

    op.create_table('pickup',
    sa.Column('deposit_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('expected_devices', sa.Integer(), nullable=False),
    sa.Column('vehicle_capacity', sa.Integer(), nullable=False),
    sa.Column('crew', sa.String(length=200), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_pickup_ends_after_start')),
    sa.CheckConstraint('expected_devices >= 0', name=op.f('ck_pickup_expected_not_negative')),
    sa.CheckConstraint('vehicle_capacity > 0', name=op.f('ck_pickup_capacity_positive')),
    sa.ForeignKeyConstraint(['contact_id'], ['donor_contact.id'], name=op.f('fk_pickup_contact_id_donor_contact')),
    sa.ForeignKeyConstraint(['deposit_id'], ['deposit.id'], name=op.f('fk_pickup_deposit_id_deposit')),
    sa.PrimaryKeyConstraint('deposit_id', name=op.f('pk_pickup'))
    )
    with op.batch_alter_table('pickup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pickup_starts_at'), ['starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('pickup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pickup_starts_at'))
    op.drop_table('pickup')
    with op.batch_alter_table('convention_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convention_return_partner_return_id'))
        batch_op.drop_index(batch_op.f('ix_convention_return_convention_id'))
    op.drop_table('convention_return')
    with op.batch_alter_table('partner_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_return_convention_id'))
    op.drop_table('partner_return')
    with op.batch_alter_table('convention_supply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convention_supply_convention_id'))
    op.drop_table('convention_supply')
    with op.batch_alter_table('convention_deposit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convention_deposit_convention_id'))
    op.drop_table('convention_deposit')
    with op.batch_alter_table('convention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convention_partner_id'))
    op.drop_table('convention')
