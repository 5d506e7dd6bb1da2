"""The `recond` command, in-process and as the installed console script."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from recond.extensions import db
from recond.lifecycle import Status
from recond.models import Device, DeviceEvent, User

RECOND = shutil.which("recond", path=str(Path(sys.executable).parent)) or "recond"


def env_for(app, **extra):
    env = dict(os.environ, RECOND_DATABASE_URL=app.config["RECOND_DB_URL"],
               RECOND_INSTANCE_PATH=app.instance_path, RECOND_SECRET_KEY="test-only")
    env.pop("RECOND_REDIS_URL", None)
    env.update(extra)
    return env


def test_the_console_script_is_installed_with_its_commands():
    output = subprocess.run([RECOND, "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("init", "demo", "create-user", "create-token", "worker", "serve", "db"):
        assert command in output


def test_init_is_idempotent(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0 and "Schema up to date" in result.output


def test_create_user_then_sign_in(world, app, browser):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "new.tech@example.org", "--role", "technician",
                                 "--org", "Atelier A", "--password", "Long enough pw 42!"])
    assert result.exit_code == 0, result.output
    assert browser.login("new.tech@example.org", "Long enough pw 42!").status_code == 302


def test_create_user_refuses_bad_input_cleanly(world, app):
    runner = app.test_cli_runner()
    for args, message in [
        (["--role", "technician", "--org", "Nowhere"], "Nowhere"),
        (["--role", "technician", "--org", "Donateur X"], "workshop"),
        (["--role", "wizard", "--org", "Atelier A"], "wizard"),
    ]:
        result = runner.invoke(args=["create-user", "x@example.org", *args, "--password", "Long enough pw 42!"])
        assert result.exit_code != 0 and message in result.output, result.output
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_create_token_prints_it_alone_on_the_last_line(world, app, client):
    result = app.test_cli_runner().invoke(args=["create-token", "tech_a@example.org"])
    assert result.exit_code == 0
    token = result.stdout.strip().splitlines()[-1]
    assert result.stdout.strip() == token  # the notice goes to stderr: scripts read stdout
    assert token.startswith("rcd_") and " " not in token
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json["role"] == "technician"


def test_demo_has_every_status_with_history_and_prints_logins(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    statuses = set(db.session.scalars(select(Device.status).distinct()))
    assert statuses == {s.value for s in Status}
    devices = db.session.scalar(select(func.count(Device.id)))
    assert db.session.scalar(select(func.count(DeviceEvent.id))) > 2 * devices
    roles = set(db.session.scalars(select(User.role).distinct()))
    assert roles == {"admin", "coordinator", "collector", "technician", "structure", "donor"}
    for email in ("atelier@recond.demo", "structure@recond.demo", "donateur@recond.demo"):
        assert email in result.output
    again = runner.invoke(args=["demo"])
    assert "already loaded" in again.output and "atelier@recond.demo" in again.output
    assert db.session.scalar(select(func.count(Device.id))) == devices
    (Path(app.instance_path) / "demo-logins.txt").unlink()


def test_demo_logins_work(app, browser):
    result = app.test_cli_runner().invoke(args=["demo", "--password", "demo password 1"])
    assert result.exit_code == 0
    for email in ("admin@recond.demo", "atelier@recond.demo", "structure@recond.demo"):
        browser.client.get("/")  # fresh page each time
        assert browser.login(email, "demo password 1").status_code == 302
        assert browser.client.get("/").status_code == 200
        browser.post_form("/", "/logout", {})
    (Path(app.instance_path) / "demo-logins.txt").unlink()


def test_worker_without_redis_says_why(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "RECOND_REDIS_URL" in result.output
