"""The `recond` command: schema, demo data, users, tokens, the worker, and serving."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from recond import accounts, create_app, demo
from recond.errors import DomainError
from recond.extensions import db


def _fail(error: DomainError) -> None:
    db.session.rollback()
    raise click.ClickException(str(error.message))


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main() -> None:
    """Recond: refurbishing chain for donated computers."""


@main.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema (through the migrations)."""
    upgrade()
    click.echo(f"Schema up to date on {db.engine.url.render_as_string(hide_password=True)}")


@main.command("demo")
@click.option("--password", help="Use this password for every demo user instead of a generated one.")
@with_appcontext
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


@main.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in accounts.Role]))
@click.option("--org", "org_name", required=True, help="Name of an existing organisation.")
@click.option("--name", default="")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_user_command(email: str, role: str, org_name: str, name: str, password: str) -> None:
    """Create a user in an organisation."""
    try:
        user = accounts.create_user(email, role=role, organisation=accounts.find_organisation(org_name),
                                    password=password, name=name)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}, {user.organisation.name})")


@main.command("create-token")
@click.argument("email")
@click.option("--label", default="")
@with_appcontext
def create_token_command(email: str, label: str) -> None:
    """Create an API token; it is printed alone on the last line, and never shown again."""
    user = db.session.scalar(db.select(accounts.User).where(accounts.User.email == email.lower()))
    if user is None:
        raise click.ClickException(f"No user {email}")
    token = accounts.create_token(user, label)
    db.session.commit()
    click.echo(f"Token for {user.email} (keep it secret, it is shown once):", err=True)
    click.echo(token)


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an rq worker on RECOND_REDIS_URL."""
    from rq import SimpleWorker

    from recond import jobs

    connection = jobs.redis_connection()
    if connection is None:
        raise click.ClickException("RECOND_REDIS_URL is not set: jobs run inline, no worker needed.")
    # SimpleWorker runs jobs in this process, inside the app context (no fork of the DB pool).
    worker = SimpleWorker([jobs.queue()], connection=connection)
    worker.work(burst=burst)


@main.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve_command(host: str, port: int) -> None:
    """Serve Recond on the built-in server (production: gunicorn 'wsgi:app')."""
    from werkzeug.serving import run_simple

    click.echo(f"Recond on http://{host}:{port}", err=True)
    run_simple(host, port, create_app(), threaded=True, use_reloader=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
