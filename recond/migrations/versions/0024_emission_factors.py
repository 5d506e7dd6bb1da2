"""emission factors: kg CO2e a reused device of a category avoids, versioned, with their source

Revision ID: 0024_emission_factors
Revises: 0023_reports
Create Date: 2026-11-30 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_emission_factors'
down_revision = '0023_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('emission_factor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('grams_co2e', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('source_date', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('grams_co2e IS NULL OR grams_co2e >= 0', name=op.f('ck_emission_factor_grams_not_negative')),
    sa.CheckConstraint('version > 0', name=op.f('ck_emission_factor_version_positive')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_emission_factor_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emission_factor')),
    sa.UniqueConstraint('category', 'version', name='uq_emission_factor_version')
    )
    with op.batch_alter_table('emission_factor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emission_factor_category'), ['category'], unique=False)


def downgrade():
    with op.batch_alter_table('emission_factor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emission_factor_category'))

    op.drop_table('emission_factor')
