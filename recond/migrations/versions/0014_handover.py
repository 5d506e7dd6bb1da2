"""handover: delivery notes by hand, payment entries (refunds, corrections) and the total paid
kept on the allocation within its remaining charge

Revision ID: 0014_handover
Revises: 0013_training
Create Date: 2026-11-30 05:20:20.480372

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_handover'
down_revision = '0013_training'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delivery_note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='shipment', nullable=False))

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='payment', nullable=False))
        batch_op.add_column(sa.Column('reason', sa.Text(), server_default='', nullable=False))
        batch_op.drop_constraint(op.f('ck_payment_positive'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_payment_signed_by_kind'),
            "(kind = 'payment' AND amount_cents > 0) OR (kind = 'refund' AND amount_cents < 0) "
            "OR (kind = 'correction' AND amount_cents <> 0)")
        batch_op.create_check_constraint(op.f('ck_payment_reason_given'),
                                         "kind = 'payment' OR length(reason) > 0")

    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_cents', sa.Integer(), server_default='0', nullable=False))
    # The total paid so far, then the rule that keeps it within the charge. An allocation
    # already overpaid (the bug this fixes) keeps its figure capped: its entries stay as they are.
    op.execute("UPDATE allocation SET paid_cents = (SELECT COALESCE(SUM(amount_cents), 0) "
               "FROM payment WHERE payment.allocation_id = allocation.id)")
    op.execute("UPDATE allocation SET paid_cents = price_cents WHERE paid_cents > price_cents")
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_allocation_paid_within_charge'),
                                         'paid_cents >= 0 AND paid_cents <= price_cents')


def downgrade():
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_allocation_paid_within_charge'), type_='check')
        batch_op.drop_column('paid_cents')

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_payment_reason_given'), type_='check')
        batch_op.drop_constraint(op.f('ck_payment_signed_by_kind'), type_='check')
        batch_op.drop_column('reason')
        batch_op.drop_column('kind')
        batch_op.create_check_constraint(op.f('ck_payment_positive'), 'amount_cents > 0')

    with op.batch_alter_table('delivery_note', schema=None) as batch_op:
        batch_op.drop_column('kind')
