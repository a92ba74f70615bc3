"""insatser: budgeted participants, inriktning and målgrupp; kvartalsrapport received date.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 17:20:00

"""
from alembic import op
import sqlalchemy as sa

from finsam_saas.platform.rls import disable_tenant_rls, enable_tenant_rls, grant_app_role

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
