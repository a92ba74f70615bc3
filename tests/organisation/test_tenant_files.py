"""tenants/*.toml: loaded idempotently; a bad file is refused whole, naming file and key."""
import shutil

import pytest
from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.organisation.models import Body, Member, Seat
from finsam_saas.organisation.services import TenantFileError, load_tenant_files
from finsam_saas.platform.models import AuditEntry, Tenant

from support import PROJECT, in_tenant


def _sync(app):
    return app.test_cli_runner().invoke(args=["tenants", "sync"])


def _counts(app):
    with app.app_context():
        tenants = {t.slug: t.id for t in db.session.scalars(select(Tenant))}
        counts = {}
        from finsam_saas.platform.tenancy import tenant_context
        for slug, tenant_id in tenants.items():
            with tenant_context(tenant_id):
                counts[slug] = tuple(
                    db.session.scalar(select(func.count()).select_from(m)) for m in (Member, Body, Seat, AuditEntry)
                )
        db.session.remove()
    return counts


def test_the_real_tenant_files_load():
    files = {f.data["slug"]: f.data for f in load_tenant_files(PROJECT / "tenants")}
    assert set(files) >= {"umearegionen", "skelleftea-norsjo", "uppsala-lan", "nns"}
    assert files["umearegionen"]["org_nr"] == "222000-1834"
    assert files["uppsala-lan"]["settings"]["bound_reserve"] == 1_000_000
    kommuner = {m["name"] for m in files["uppsala-lan"]["members"] if m["kind"] == "kommun"}
    assert len(kommuner) == 8
    nns_members = {m["name"] for m in files["nns"]["members"]}
    for slug in ("umearegionen", "skelleftea-norsjo", "uppsala-lan"):
        assert files[slug]["nns_member"] in nns_members


def test_sync_is_idempotent(app):
    before = _counts(app)
    result = _sync(app)
    assert result.exit_code == 0, result.output
    assert "0 nya, 0 ändrade, 0 avaktiverade" in result.output
    assert _counts(app) == before


def test_sync_picks_up_a_change_and_logs_it(app, tmp_path):
    directory = tmp_path / "tenants"
    shutil.copytree(PROJECT / "tenants", directory)
    path = directory / "umearegionen.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'short_name = "Umeåregionen"', 'short_name = "Umeåregionen (ny)"'), encoding="utf-8")
    app.config["TENANTS_DIR"] = directory
    result = _sync(app)
    assert result.exit_code == 0 and "1 ändrade" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(Tenant.short_name).where(Tenant.slug == "umearegionen")) == "Umeåregionen (ny)"


@pytest.mark.parametrize("change, key, message", [
    (("kind = \"kommun\"", "kind = \"kommunen\"", 1), "members[", "kind"),
    (("slug = \"umearegionen\"", "slug = \"umea\"", 1), "slug", "filnamnet"),
    (("[settings]", "[settings]\nokand_nyckel = 1", 1), "settings.okand_nyckel", "okänd nyckel"),
    (("org_nr = \"222000-1834\"", "org_nr = \"2220001834\"", 1), "org_nr", "NNNNNN-NNNN"),
])
def test_bad_file_is_refused_naming_file_and_key(app, tmp_path, change, key, message):
    directory = tmp_path / "tenants"
    shutil.copytree(PROJECT / "tenants", directory)
    path = directory / "umearegionen.toml"
    old, new, count = change
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    app.config["TENANTS_DIR"] = directory
    before = _counts(app)
    result = _sync(app)
    assert result.exit_code == 1
    assert "umearegionen.toml" in result.output and key in result.output and message in result.output
    assert "inget har ändrats" in result.output
    assert _counts(app) == before


def test_unknown_appointing_member_is_named(tmp_path):
    directory = tmp_path / "tenants"
    shutil.copytree(PROJECT / "tenants", directory)
    path = directory / "umearegionen.toml"
    text = path.read_text(encoding="utf-8")
    assert 'appointed_by = "Bjurholms kommun"' in text
    path.write_text(text.replace('appointed_by = "Bjurholms kommun"', 'appointed_by = "Malå kommun"', 1), encoding="utf-8")
    with pytest.raises(TenantFileError) as error:
        load_tenant_files(directory)
    assert "umearegionen.toml: bodies[0].seats[4].appointed_by" in str(error.value)
    assert "\"Malå kommun\" är inte en medlem" in str(error.value)


def test_broken_toml_is_named_and_nothing_changes(app, tmp_path):
    directory = tmp_path / "tenants"
    shutil.copytree(PROJECT / "tenants", directory)
    (directory / "uppsala-lan.toml").write_text("name = \"Uppsala\nslug = ", encoding="utf-8")
    (directory / "umearegionen.toml").write_text(
        (PROJECT / "tenants" / "umearegionen.toml").read_text(encoding="utf-8").replace(
            'short_name = "Umeåregionen"', 'short_name = "Ändrad"'), encoding="utf-8")
    app.config["TENANTS_DIR"] = directory
    result = _sync(app)
    assert result.exit_code == 1 and "uppsala-lan.toml: ogiltig TOML" in result.output
    with app.app_context():
        assert db.session.scalar(select(Tenant.short_name).where(Tenant.slug == "umearegionen")) == "Umeåregionen"


def test_seats_and_quorum_come_from_the_file(app):
    with in_tenant(app, "uppsala-lan"):
        styrelse = db.session.scalars(select(Body).where(Body.kind == "styrelse")).first()
        assert styrelse.ordinarie_seats == 11 and styrelse.quorum == 6
