"""The README's Production commands, in order, on an empty PostgreSQL schema: the schema, the
first organisation and its admin, gunicorn answering, a worker starting, the cron commands,
and a token that opens the API.

The first line (a venv and `pip install .`) is the one not run: the suite's own virtualenv,
where Recond is installed, stands for it. Values the README leaves to the deployer (the
database, Redis, the secret, the port) are this machine's.
"""
from __future__ import annotations

import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, REDIS_URL

ROOT = Path(__file__).parents[1]
VENV_BIN = str(Path(sys.executable).parent) + "/"
PASSWORD = "Premier-Admin-2031!"


def readme_production_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Production"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_readme_production_commands_on_an_empty_database(tmp_path):
    schema = f"recond_install_{os.getpid()}"
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = PG_URL.replace("postgresql+psycopg://", "postgresql://") + f"?options=-csearch_path%3D{schema}"
    # One role here: the two roles' grants are proven in tests/models/test_database_roles.py.
    local = {"RECOND_DATABASE_URL": url, "RECOND_MIGRATION_DATABASE_URL": url,
             "RECOND_REDIS_URL": REDIS_URL, "RECOND_SECRET_KEY": secrets.token_hex(32)}
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECOND_")}
    env["RECOND_INSTANCE_PATH"] = str(tmp_path)
    port = _free_port()
    background, token = [], None
    commands = readme_production_commands()
    assert commands[0].startswith("python3.11 -m venv .venv && .venv/bin/pip install .")
    try:
        for line in commands[1:]:
            command = line.split("  #")[0].strip().replace(".venv/bin/", VENV_BIN)
            if command.startswith("export "):
                name, _, value = command[len("export "):].partition("=")
                env[name] = local.get(name, value.split("#")[0].strip())
                continue
            argv = shlex.split(command)
            if "gunicorn" in argv[0]:
                argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
                background.append(subprocess.Popen(argv, cwd=ROOT, env=env))
                _wait_for(f"http://127.0.0.1:{port}/healthz")
                continue
            if argv[1:] == ["worker"]:
                worker = subprocess.Popen(argv, cwd=ROOT, env=env)
                background.append(worker)
                continue
            result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                                    input=f"{PASSWORD}\n{PASSWORD}\n", timeout=300)
            assert result.returncode == 0, (line, result.stdout, result.stderr)
            if argv[1] == "create-token":
                token = result.stdout.strip().splitlines()[-1]
        status, body = _get(f"http://127.0.0.1:{port}/api/v1/me", token)
        assert status == 200 and '"role":"admin"' in body.replace(" ", ""), body
        assert _get(f"http://127.0.0.1:{port}/login")[0] == 200
        assert all(process.poll() is None for process in background)  # gunicorn and the worker run
    finally:
        for process in background:
            process.terminate()
            process.wait(timeout=30)
        with engine.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 180  # a bound for a busy machine
    while time.monotonic() < deadline:
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)  # polling a starting server, not timing a rule
    raise AssertionError(f"{url} never answered")
