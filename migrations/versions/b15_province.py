"""official units, province role, periodic reports

Revision ID: b15_province
Revises: b13_attendance
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'b15_province'
down_revision = 'b13_attendance'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('provinces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('official_code', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_provinces_official_code'),
                                          ['official_code'])

    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('official_code', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unit_kind', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('report_month_day', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('report_quarter_day', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_communes_official_code'),
                                          ['official_code'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_province_id'), ['province_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_province_id_provinces'), 'provinces',
                                    ['province_id'], ['id'], ondelete='SET NULL')

    op.create_table(
        'reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=True),
        sa.Column('province_id', sa.Integer(), nullable=True),
        sa.Column('period', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('assessment', sa.Text(), nullable=False),
        sa.Column('difficulties', sa.Text(), nullable=False),
        sa.Column('proposals', sa.Text(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['commune_id'], ['communes.id'],
                                name=op.f('fk_reports_commune_id_communes'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['province_id'], ['provinces.id'],
                                name=op.f('fk_reports_province_id_provinces'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'],
                                name=op.f('fk_reports_sent_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
        sa.UniqueConstraint('commune_id', 'period', name='uq_reports_commune_id_period'),
        sa.UniqueConstraint('province_id', 'period', name='uq_reports_province_id_period'),
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_province_id'), ['province_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_province_id'))
        batch_op.drop_index(batch_op.f('ix_reports_commune_id'))
    op.drop_table('reports')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_province_id_provinces'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_province_id'))
        batch_op.drop_column('province_id')

    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_communes_official_code'), type_='unique')
        batch_op.drop_column('report_quarter_day')
        batch_op.drop_column('report_month_day')
        batch_op.drop_column('unit_kind')
        batch_op.drop_column('official_code')

    with op.batch_alter_table('provinces', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_provinces_official_code'), type_='unique')
        batch_op.drop_column('official_code')
