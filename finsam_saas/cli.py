"""flask commands: serve, tenants sync and export, users …, demo, worker, verify-archive."""
from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.platform.auth import issue_token
from finsam_saas.platform.models import ROLES, Membership, Tenant, User
from finsam_saas.platform.tenancy import Actor, acting_as, tenant_context

tenants_cli = AppGroup("tenants", help="Organisationerna (tenants/*.toml).")
users_cli = AppGroup("users", help="Användare, roller och API-nycklar.")


def _fail(message: str) -> None:
    click.echo(f"Fel: {message}", err=True)
    sys.exit(1)


@tenants_cli.command("sync")
@click.option("--file-wins", is_flag=True,
              help="Filen gäller även där kansliet har ändrat i webben (annars behålls webbens uppgifter).")
def tenants_sync(file_wins):
    """Läs in tenants/*.toml. Allt eller inget; en andra körning ändrar inget.

    Det kansliet har ändrat i webben behålls, och skillnaden mot filen skrivs ut."""
    from finsam_saas.organisation.services import TenantFileError, load_tenant_files, sync_tenants

    directory = current_app.config["TENANTS_DIR"]
    try:
        files = load_tenant_files(directory)
    except TenantFileError as error:
        click.echo("Tenant-filerna har fel; inget har ändrats:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    with acting_as(Actor(None, "cli: tenants sync")):
        report = sync_tenants(files, file_wins=file_wins)
    click.echo(
        f"{len(files)} organisationer: {len(report.created)} nya, {len(report.updated)} ändrade, "
        f"{len(report.deactivated)} avaktiverade."
    )
    if report.kept:
        click.echo(f"{len(report.kept)} uppgifter är ändrade i webben och skiljer sig från filen; webben gäller "
                   "(--file-wins låter filen gälla, 'tenants export' skriver webbens uppgifter till en fil):")
        for line in report.kept:
            click.echo(f"  {line}")


@tenants_cli.command("export")
@click.argument("slug")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Skriv till filen i stället för till skärmen.")
def tenants_export(slug, out):
    """Skriv en organisations uppgifter som tenant-fil (TOML), med det som ändrats i webben."""
    import tomli_w

    from finsam_saas.organisation.services import export_tenant

    tenant = _tenant(slug)
    with tenant_context(tenant.id):
        text = tomli_w.dumps(export_tenant(tenant))
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"{slug} är skriven till {out}.")
    else:
        click.echo(text, nl=False)


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        _fail(f"ingen användare med e-postadressen {email}")
    return user


def _tenant(slug: str) -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        _fail(f"ingen organisation {slug!r} (kör 'flask tenants sync' först)")
    return tenant


@users_cli.command("create")
@click.argument("email")
@click.option("--password", required=True, help="Lösenordet (minst 8 tecken).")
@click.option("--name", default="", help="Namnet som visas.")
def users_create(email, password, name):
    """Skapa en användare, eller byt lösenord på en som finns."""
    if len(password) < 8:
        _fail("lösenordet måste ha minst 8 tecken")
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        user = User(email=email, name=name)
        db.session.add(user)
    elif name:
        user.name = name
    user.set_password(password)
    db.session.commit()
    click.echo(f"Användaren {email} finns.")


@users_cli.command("grant")
@click.argument("email")
@click.argument("tenant")
@click.argument("role", type=click.Choice(ROLES))
def users_grant(email, tenant, role):
    """Ge en användare en roll i en organisation."""
    user, org = _user(email), _tenant(tenant)
    with tenant_context(org.id), acting_as(Actor(None, "cli: users grant")):
        membership = db.session.scalar(
            select(Membership).where(Membership.user_id == user.id, Membership.tenant_id == org.id)
        )
        if membership is None:
            db.session.add(Membership(user=user, tenant_id=org.id, role=role))
        else:
            membership.role = role
        db.session.commit()
    click.echo(f"{user.email} är {role} i {org.slug}.")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("tenant")
def users_revoke(email, tenant):
    """Ta bort en användares medlemskap i en organisation."""
    user, org = _user(email), _tenant(tenant)
    with tenant_context(org.id), acting_as(Actor(None, "cli: users revoke")):
        membership = db.session.scalar(
            select(Membership).where(Membership.user_id == user.id, Membership.tenant_id == org.id)
        )
        if membership is not None:
            db.session.delete(membership)
            db.session.commit()
    click.echo(f"{user.email} är inte medlem i {org.slug}.")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="Vad nyckeln används till.")
def users_token(email, name):
    """Skapa en API-nyckel; nyckeln skrivs ensam på sista raden."""
    user = _user(email)
    token = issue_token(user, name)
    db.session.commit()
    click.echo(f"API-nyckel för {user.email} ({name}):")
    click.echo(token)


@click.command("demo")
@with_appcontext
def demo():
    """Läs in demodata byggd på sammanträdeshandlingarna (idempotent)."""
    from finsam_saas.demo import load_demo

    for line in load_demo():
        click.echo(line)


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Avsluta när kön är tom.")
def worker(burst):
    """Kör en rq-worker för bakgrundsjobben (kräver REDIS_URL)."""
    from finsam_saas.platform.jobs import run_worker

    try:
        run_worker(current_app._get_current_object(), burst=burst)
    except RuntimeError as error:
        _fail(str(error))


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="HOST eller 127.0.0.1")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", 5000)), show_default="PORT eller 5000")
@with_appcontext
def serve(host, port):
    """Kör webbservern; skriver adressen först när den verkligen tar emot anrop."""
    from werkzeug.serving import make_server

    app = current_app._get_current_object()
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as error:
        _fail(f"kan inte lyssna på {host}:{port} ({error.strerror or error}). "
              f"Är porten upptagen? Välj en annan med PORT=5001 make run.")
    click.echo(f"Finsam lyssnar på http://{host}:{server.server_port}/ (Ctrl-C avslutar)", err=False)
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Finsam är avslutat.")


@click.command("verify-archive")
@click.option("--tenant", "slug", default=None, help="Bara denna organisation (annars alla).")
@with_appcontext
def verify_archive(slug):
    """Kontrollera varje justerat protokoll mot sitt sparade original och sina kontrollsummor.

    Avslutas med kod 1 om något protokoll inte stämmer."""
    from finsam_saas.meetings import archive

    tenants = [_tenant(slug)] if slug else list(db.session.scalars(select(Tenant).order_by(Tenant.slug)))
    failed = checked = 0
    for tenant in tenants:
        with tenant_context(tenant.id), acting_as(Actor(None, "cli: verify-archive")):
            for result in archive.check_archive():
                checked += 1
                meeting = result.minutes.meeting
                if not result.ok:
                    failed += 1
                    click.echo(f"{tenant.slug}: protokollet från {meeting.body.name} {meeting.date}: "
                               + " ".join(result.problems))
            db.session.commit()
    click.echo(f"{checked} justerade protokoll kontrollerade, {failed} stämmer inte.")
    if failed:
        sys.exit(1)


def register(app) -> None:
    app.cli.add_command(serve)
    app.cli.add_command(tenants_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo)
    app.cli.add_command(worker)
    app.cli.add_command(verify_archive)
