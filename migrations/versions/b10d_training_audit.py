"""training and audit changes

Revision ID: b10d_training_audit
Revises: b10c_import_expiry
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'b10d_training_audit'
down_revision = 'b10c_import_expiry'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
