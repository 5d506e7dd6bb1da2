"""The deployment in deploy/ runs: every systemd unit's commands exist, systemd accepts the
units, and gunicorn starts with the repository's configuration, answers /healthz and writes
its access and error logs as JSON lines."""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.test_first_install import _free_port, _get, _wait_for

ROOT = Path(__file__).parents[1]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("recond-*"))
VENV_BIN = Path(sys.executable).parent
INSTALLED = "/opt/recond"  # where the units expect the clone (README, Production)


def _here(value: str) -> str:
    """A unit's line with this checkout and its virtualenv standing for /opt/recond."""
    return value.replace(f"{INSTALLED}/.venv/bin", str(VENV_BIN)).replace(INSTALLED, str(ROOT))


def _settings(unit: Path) -> list[tuple[str, str]]:
    return [tuple(line.split("=", 1)) for line in unit.read_text().splitlines()
            if "=" in line and not line.startswith("#")]


def test_the_units_are_the_whole_stack():
    names = {unit.name for unit in UNITS}
    assert {"recond-web.service", "recond-worker@.service", "recond-purge.service",
            "recond-purge.timer", "recond-verify-history.timer", "recond-backup.timer"} <= names
    for timer in (n for n in names if n.endswith(".timer")):
        assert timer.replace(".timer", ".service") in names


def test_every_command_of_every_unit_exists():
    commands = subprocess.run([VENV_BIN / "recond", "--help"], capture_output=True, text=True,
                              check=True).stdout
    checked = 0
    for unit in UNITS:
        settings = _settings(unit)
        for key, value in settings:
            if not key.startswith("Exec"):
                continue
            argv = shlex.split(_here(value))
            assert os.access(argv[0], os.X_OK), f"{unit.name}: {argv[0]} is not an executable"
            if Path(argv[0]).name == "recond":
                assert f"  {argv[1]} " in commands, f"{unit.name}: no command recond {argv[1]}"
                subprocess.run([argv[0], argv[1], "--help"], check=True, capture_output=True)
            if Path(argv[0]).name == "gunicorn":
                directory = _here(dict(settings)["WorkingDirectory"])
                assert (Path(directory) / argv[argv.index("-c") + 1]).is_file()
                assert (Path(directory) / "wsgi.py").is_file()
            checked += 1
    assert checked >= 8


def test_systemd_accepts_the_units(tmp_path):
    copies = []
    for unit in UNITS:
        copy = tmp_path / unit.name
        copy.write_text(_here(unit.read_text()).replace("EnvironmentFile=/", "EnvironmentFile=-/"))
        copies.append(copy)
    if shutil.which("systemd-analyze") is None:  # no systemd here: the sections, at least
        for copy in copies:
            assert "[Install]" in copy.read_text() or copy.name.endswith(".service")
        return
    templates = [c for c in copies if c.name.endswith("@.service")]
    instances = [c.with_name(c.name.replace("@", "@1")) for c in templates]
    for template, instance in zip(templates, instances):
        shutil.copy(template, instance)  # a template is checked through an instance of it
    result = subprocess.run(["systemd-analyze", "verify", "--man=no",
                             *[c for c in copies + instances if c not in templates]],
                            capture_output=True, text=True, cwd=tmp_path)
    complaints = [line for line in result.stderr.splitlines() if "recond-" in line]
    assert result.returncode == 0 and not complaints, result.stderr


def test_gunicorn_starts_with_the_repository_configuration(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECOND_")}
    env.update(RECOND_INSTANCE_PATH=str(tmp_path), RECOND_BIND=f"127.0.0.1:{port}",
               RECOND_WEB_WORKERS="1", RECOND_ACCESS_LOG=str(tmp_path / "access.log"),
               RECOND_ERROR_LOG=str(tmp_path / "error.log"))
    web = subprocess.Popen([VENV_BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py"], cwd=ROOT,
                           env=env)
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        status, body = _get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and json.loads(body) == {"status": "ok"}
    finally:
        web.terminate()
        web.wait(timeout=60)
    access = [json.loads(line) for line in (tmp_path / "access.log").read_text().splitlines()]
    errors = [json.loads(line) for line in (tmp_path / "error.log").read_text().splitlines()
              if line.startswith("{")]
    hit = next(e for e in reversed(access) if e["path"] == "/healthz")
    assert hit["logger"] == "gunicorn.access" and hit["status"] == 200 and hit["method"] == "GET"
    # The app's own line for the same request, in the error log, with the same request id.
    app_line = next(e for e in errors if e["logger"] == "recond.request"
                    and e["request_id"] == hit["request_id"])
    assert app_line["path"] == "/healthz"
    assert any(e["logger"] == "gunicorn.error" and "Listening at" in e["message"] for e in errors)
