"""real commune spreadsheets

Revision ID: b11_spreadsheets
Revises: b10d_training_audit
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'b11_spreadsheets'
down_revision = 'b10d_training_audit'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
