"""quotas: each live allocation takes a numbered place of its line; a beneficiary's second live
device needs a recorded reason

Revision ID: 0012_quotas
Revises: 0011_media
Create Date: 2026-11-30 05:18:07.944192

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_quotas'
down_revision = '0011_media'
branch_labels = None
depends_on = None

# Allocations made before the rule keep their second device; the reason says so.
_EARLIER = "Allocated before Recond asked why a second device is justified."


def upgrade():
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        # NOT NULL with a default: SQLite adds such a column in place, without rebuilding the
        # table (a rebuild would drop `allocation` under the payments that reference it).
        batch_op.add_column(sa.Column('slot', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('second_device_reason', sa.String(length=500), nullable=True))

    # Number the allocations of each line 1, 2, 3… in the order they were made: distinct among
    # all of them, so distinct among the live ones (lines over their quota keep what they hold).
    op.execute("UPDATE allocation SET slot = (SELECT count(*) FROM allocation AS a2 "
               "WHERE a2.line_id = allocation.line_id AND a2.id <= allocation.id)")
    op.execute(sa.text(
        "UPDATE allocation SET second_device_reason = :reason "
        "WHERE status = 'active' AND beneficiary_id IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM allocation AS a2 WHERE a2.beneficiary_id = allocation.beneficiary_id "
        "AND a2.status = 'active' AND a2.id < allocation.id)").bindparams(reason=_EARLIER))

    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.create_index('uq_allocation_active_beneficiary', ['beneficiary_id'], unique=True, sqlite_where=sa.text("status = 'active' AND second_device_reason IS NULL"), postgresql_where=sa.text("status = 'active' AND second_device_reason IS NULL"))
        batch_op.create_index('uq_allocation_active_slot', ['line_id', 'slot'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))


def downgrade():
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.drop_index('uq_allocation_active_slot', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index('uq_allocation_active_beneficiary', sqlite_where=sa.text("status = 'active' AND second_device_reason IS NULL"), postgresql_where=sa.text("status = 'active' AND second_device_reason IS NULL"))
        batch_op.drop_column('second_device_reason')
        batch_op.drop_column('slot')
