"""The `recond` command: schema, demo data, users, tokens, the history's check, backups, the
worker, and serving."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import FlaskGroup
from flask_migrate import upgrade

from recond import backups, create_app, database_roles, demo, logs
from recond.identity import accounts, passwords, security_log
from recond.distribution import beneficiaries, open_data, training
from recond.config import ConfigError
from recond.errors import DomainError
from recond.extensions import db
from recond.lifecycle import chain


def _fail(error: DomainError) -> None:
    db.session.rollback()
    raise click.ClickException(str(error.message))


@click.command("init")
def init_command() -> None:
    """Create or upgrade the database schema (through the migrations)."""
    upgrade()
    training.seed_default_topics()
    db.session.commit()
    click.echo(f"Schema up to date on {db.engine.url.render_as_string(hide_password=True)}")
    role = database_roles.runtime_role(current_app.config)
    if role is not None:
        click.echo(f"The application's role {role} has its row rights and owns nothing.")
    elif db.engine.dialect.name == "postgresql":
        click.echo("Note: the application's role owns the schema, so it could set the history's "
                   "triggers aside. Set RECOND_MIGRATION_DATABASE_URL to the owner's URL "
                   "(README, Production).", err=True)


@click.command("demo")
@click.option("--password", help="Use this password for every demo user instead of a generated one.")
def demo_command(password: str | None) -> None:
    """Load the demo data set (once) and print the demo logins."""
    upgrade()
    logins_file = Path(current_app.instance_path) / "demo-logins.txt"
    if demo.already_loaded():
        click.echo("Demo data already loaded.")
    else:
        logins = demo.load(password)
        db.session.commit()
        logins_file.write_text("".join(f"{email}  {pw}\n" for email, pw in logins.items()))
        logins_file.chmod(0o600)
    if logins_file.exists():
        click.echo("Demo logins (e-mail, password):")
        click.echo(logins_file.read_text().rstrip())


@click.command("create-organisation")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice([k.value for k in accounts.OrganisationKind]),
              help="coordination for the first one: the programme's steering, where the admin sits.")
@click.option("--siret", default=None)
def create_organisation_command(name: str, kind: str, siret: str | None) -> None:
    """Create an organisation (the first install's coordination; the rest is done on the web)."""
    try:
        org = accounts.create_organisation(name, kind, siret=siret)
        security_log.record("organisation_created", organisation_id=org.id,
                            details={"name": org.name, "kind": org.kind, "by": "command line"})
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {org.name} ({org.kind})")


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in accounts.Role]))
@click.option("--org", "org_name", required=True, help="Name of an existing organisation.")
@click.option("--name", default="")
@click.password_option(help="Asked for when not given.")
def create_user_command(email: str, role: str, org_name: str, name: str, password: str) -> None:
    """Create a user in an organisation."""
    try:
        passwords.check_policy(password, email=email, name=name)
        user = accounts.create_user(email, role=role, organisation=accounts.find_organisation(org_name),
                                    password=password, name=name)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}, {user.organisation.name})")


@click.command("create-token")
@click.argument("email")
@click.option("--label", default="")
def create_token_command(email: str, label: str) -> None:
    """Create an API token; it is printed alone on the last line, and never shown again."""
    user = db.session.scalar(db.select(accounts.User).where(accounts.User.email == email.lower()))
    if user is None:
        raise click.ClickException(f"No user {email}")
    token = accounts.create_token(user, label)
    db.session.commit()
    click.echo(f"Token for {user.email} (keep it secret, it is shown once):", err=True)
    click.echo(token)


@click.command("purge-beneficiaries")
@click.option("--months", type=int, default=None,
              help="Retention in months (default: RECOND_BENEFICIARY_RETENTION_MONTHS, 24).")
def purge_beneficiaries_command(months: int | None) -> None:
    """Erase beneficiary references whose devices were released longer ago than the retention
    period. Run it daily (cron or systemd timer)."""
    count = beneficiaries.purge_expired(months=months)
    db.session.commit()
    click.echo(f"{count} beneficiary references erased.")


# The national file is larger than a page upload may be; the command reads it from disk.
IMPORT_MAX_BYTES = 1024 * 1024 * 1024


@click.command("import-structures")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--departement", default="92", show_default=True,
              help="Keep the places of this département (2 or 3 characters: 92, 2A, 974).")
def import_structures_command(path: Path, departement: str) -> None:
    """Import or refresh the structures directory from the national open-data file of lieux
    de médiation numérique (CSV or XLSX). All or nothing; run it from cron for a refresh."""
    try:
        report = open_data.import_places(None, path.name, path.read_bytes(), departement,
                                         max_bytes=IMPORT_MAX_BYTES)
    except DomainError as error:
        for reason in error.details.get("reasons", []):
            click.echo(reason, err=True)
        _fail(error)
    db.session.commit()
    click.echo(report.summary())
    for warning in report.warnings:
        click.echo(str(warning))


@click.command("purge-security-log")
@click.option("--days", type=int, default=None,
              help="Retention in days (default: RECOND_SECURITY_LOG_RETENTION_DAYS, 365).")
def purge_security_log_command(days: int | None) -> None:
    """Remove security-log events older than the retention period. Run it daily (cron)."""
    count = security_log.purge(days)
    db.session.commit()
    click.echo(f"{count} security events removed.")


@click.command("verify-history")
@click.option("--no-seal", is_flag=True, help="Check only; add no checkpoint.")
def verify_history_command(no_seal: bool) -> None:
    """Check every device's history chain and the checkpoints, then seal what is older than two
    hours in a new checkpoint. Exit status 1, naming the first broken link, when it fails.
    Run it daily (deploy/recond-verify-history.timer)."""
    report = chain.verify(seal_margin=None if no_seal else chain.SEAL_MARGIN)
    db.session.commit()
    if not report.intact:
        for problem in report.breaks[:1] + report.problems:
            click.echo(f"History broken: {problem}", err=True)
        if report.broken > 1:
            click.echo(f"{report.broken} events in all do not match their link; the next ones: "
                       + "; ".join(f"#{b.event_id}" for b in report.breaks[1:]), err=True)
        sys.exit(1)
    checkpoint = report.last_checkpoint
    sealed = (f"; checkpoint #{checkpoint.id} through event #{checkpoint.through_event_id}, "
              f"link {checkpoint.link}" if checkpoint else "; no checkpoint yet")
    click.echo(f"History verified: {report.events} events on {report.devices} devices{sealed}"
               + (" (new)" if report.sealed else ""))


@click.command("reports-rollup")
@click.option("--rebuild", is_flag=True,
              help="Roll every day again from the start (after a bulk load or a backfill).")
def reports_rollup_command(rebuild: bool) -> None:
    """Roll the reports' days that are over and count the statuses again. The worker does it
    every few minutes; run it by hand after loading history in bulk (with --rebuild)."""
    from recond.reports import rollups

    days = rollups.rebuild() if rebuild else rollups.refresh(every_day=True)
    db.session.commit()
    click.echo(f"{days} days rolled; statuses counted.")


@click.command("backup")
@click.argument("destination", type=click.Path(path_type=Path), default=".")
def backup_command(destination: Path) -> None:
    """Write a backup archive: the database (pg_dump, or SQLite's online backup) and the
    instance's generated secret and outbox. DESTINATION: a file, or a folder (default: here)
    to write recond-YYYYMMDD-HHMMSS.tar in. Run it daily (deploy/recond-backup.timer)."""
    try:
        path = backups.backup(destination)
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Backup written to {path}")
    for name in ("RECOND_SECRET_KEY", "RECOND_HISTORY_KEY"):
        if os.environ.get(name):
            click.echo(f"{name} comes from the environment and is not in the archive: keep it "
                       f"with the configuration.", err=True)


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """Restore a backup archive into the configured database, which must be empty, then check
    the history. Stop the application and workers first; run `recond init` afterwards."""
    try:
        restored = backups.restore(archive)
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Restored the {restored.backend} backup of {restored.created_at} "
               f"(schema revision {restored.revision}).")
    head = ScriptDirectory(str(Path(current_app.root_path) / "migrations")).get_current_head()
    if restored.revision != head:
        click.echo(f"This version's schema is {head}: run `recond init`, then "
                   f"`recond verify-history`.")
        return
    if restored.secret_key and not os.environ.get("RECOND_SECRET_KEY"):
        current_app.config["SECRET_KEY"] = restored.secret_key  # the history's key, unless set
    db.session.remove()
    db.engine.dispose()
    report = chain.verify(seal_margin=None)
    if not report.intact:
        for problem in report.breaks[:1] + report.problems:
            click.echo(f"History broken: {problem}", err=True)
        sys.exit(1)
    click.echo(f"History verified: {report.events} events on {report.devices} devices.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run an rq worker on RECOND_REDIS_URL.

    SIGTERM (what process managers send) stops it once its job is done; a second SIGTERM, or
    SIGKILL, stops it at once, and the job is retried or its import marked failed. Give it a
    stop timeout longer than the longest job, and stop its process group (rq's scheduler, which
    puts retried jobs back in the queue, runs in a child process)."""
    from recond import database, jobs
    from recond.collection.manifests import importer
    from recond.reports import rollups
    from recond.webhooks import delivery as webhook_delivery

    connection = jobs.redis_connection()
    if connection is None:
        raise click.ClickException("RECOND_REDIS_URL is not set: jobs run inline, no worker needed.")
    logs.attach(logging.getLogger("rq"))  # rq's own lines as JSON too, not its coloured text
    database.name_connections("worker")
    worker = jobs.Worker([jobs.queue()], connection=connection,
                         maintenance=[importer.fail_lost_imports,
                                      webhook_delivery.requeue_overdue,
                                      webhook_delivery.forget_old_deliveries,
                                      rollups.refresh])
    worker.work(burst=burst, with_scheduler=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve_command(host: str, port: int) -> None:
    """Serve Recond on the built-in server (production: gunicorn 'wsgi:app')."""
    from werkzeug.serving import run_simple

    from recond.serving import QuietRequestHandler

    click.echo(f"Recond on http://{host}:{port}", err=True)
    run_simple(host, port, create_app(), threaded=True, use_reloader=False,
               request_handler=QuietRequestHandler)


def register_commands(app) -> None:
    from flask_migrate.cli import db as migrations  # `recond db migrate`, `recond db upgrade`…

    app.cli.add_command(migrations, name="db")
    for command in (init_command, demo_command, create_organisation_command, create_user_command,
                    create_token_command, purge_beneficiaries_command, purge_security_log_command,
                    import_structures_command, verify_history_command,
                    reports_rollup_command, backup_command,
                    restore_command, worker_command, serve_command):
        app.cli.add_command(command)


def main() -> None:
    """The `recond` console script: the app's commands, plus Flask's (db, routes, shell)."""
    try:
        # Built once, before click: a configuration error is one line and exit status 2,
        # not a traceback from inside whichever command loads the app.
        app = create_app()
    except ConfigError as error:
        click.echo(f"recond: configuration error: {error}", err=True)
        sys.exit(2)
    FlaskGroup(create_app=lambda: app, add_version_option=False,
               help="Recond: refurbishing chain for donated computers.")(prog_name="recond")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
