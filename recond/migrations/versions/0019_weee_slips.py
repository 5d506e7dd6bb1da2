"""WEEE slips: a device's weight, when it was weighed as it left through the WEEE channel

Revision ID: 0019_weee_slips
Revises: 0018_donation_receipts
Create Date: 2026-11-30 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_weee_slips'
down_revision = '0018_donation_receipts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weight_grams', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_device_weight_positive'), 'weight_grams IS NULL OR weight_grams > 0')


def downgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_device_weight_positive'), type_='check')
        batch_op.drop_column('weight_grams')
