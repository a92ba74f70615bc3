"""bookkeeping in SIE 4: the account plan mapped to budget lines, imported balances and results.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 17:20:00

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
