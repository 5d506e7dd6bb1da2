"""donation receipts (Cerfa n° 16216) as issued documents, numbered per issuer and year and
never edited; the organisation's profile for receipts (legal form, commune, RNA, status,
object, signatory); the basis of a deposit's declared value

Revision ID: 0018_donation_receipts
Revises: 0017_accounts
Create Date: 2026-11-30 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_donation_receipts'
down_revision = '0017_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('donation_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('deposit_id', sa.Integer(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_donation_receipt_amount_positive')),
    sa.CheckConstraint('sequence > 0', name=op.f('ck_donation_receipt_sequence_positive')),
    sa.ForeignKeyConstraint(['deposit_id'], ['deposit.id'], name=op.f('fk_donation_receipt_deposit_id_deposit')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_donation_receipt_issued_by_id_user_account')),
    sa.ForeignKeyConstraint(['issuer_id'], ['organisation.id'], name=op.f('fk_donation_receipt_issuer_id_organisation')),
    sa.ForeignKeyConstraint(['replaces_id'], ['donation_receipt.id'], name=op.f('fk_donation_receipt_replaces_id_donation_receipt')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donation_receipt')),
    sa.UniqueConstraint('code', name=op.f('uq_donation_receipt_code')),
    sa.UniqueConstraint('issuer_id', 'year', 'sequence', name='uq_donation_receipt_number'),
    sa.UniqueConstraint('replaces_id', name=op.f('uq_donation_receipt_replaces_id'))
    )
    with op.batch_alter_table('donation_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donation_receipt_deposit_id'), ['deposit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donation_receipt_issuer_id'), ['issuer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donation_receipt_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('deposit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valuation_basis', sa.String(length=20), nullable=True))

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_form', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('rna', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('tax_status', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('tax_status_detail', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('purpose', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('signatory_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('signatory_position', sa.String(length=200), nullable=True))

    # An issued receipt is never changed nor removed: the database itself refuses it. A
    # correction is a new row.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION donation_receipt_as_issued() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'donation_receipt is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $$""")
        op.execute("""CREATE TRIGGER donation_receipt_as_issued
            BEFORE UPDATE OR DELETE ON donation_receipt
            FOR EACH ROW EXECUTE FUNCTION donation_receipt_as_issued()""")
        op.execute("""CREATE TRIGGER donation_receipt_no_truncate
            BEFORE TRUNCATE ON donation_receipt
            FOR EACH STATEMENT EXECUTE FUNCTION donation_receipt_as_issued()""")
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER donation_receipt_no_{operation.lower()}
                BEFORE {operation} ON donation_receipt
                BEGIN SELECT RAISE(ABORT, 'donation_receipt is append-only'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS donation_receipt_no_truncate ON donation_receipt")
        op.execute("DROP TRIGGER IF EXISTS donation_receipt_as_issued ON donation_receipt")
        op.execute("DROP FUNCTION IF EXISTS donation_receipt_as_issued()")
    else:
        op.execute("DROP TRIGGER IF EXISTS donation_receipt_no_update")
        op.execute("DROP TRIGGER IF EXISTS donation_receipt_no_delete")
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('signatory_position')
        batch_op.drop_column('signatory_name')
        batch_op.drop_column('purpose')
        batch_op.drop_column('tax_status_detail')
        batch_op.drop_column('tax_status')
        batch_op.drop_column('rna')
        batch_op.drop_column('legal_form')

    with op.batch_alter_table('deposit', schema=None) as batch_op:
        batch_op.drop_column('valuation_basis')

    with op.batch_alter_table('donation_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donation_receipt_sha256'))
        batch_op.drop_index(batch_op.f('ix_donation_receipt_issuer_id'))
        batch_op.drop_index(batch_op.f('ix_donation_receipt_deposit_id'))

    op.drop_table('donation_receipt')
