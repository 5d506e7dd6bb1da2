"""Configuration errors: one clear line naming the variable and what it expects, from the
`recond` command, gunicorn and `create_app` — never a traceback."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recond import create_app
from recond.config import ConfigError
from tests.test_cli import RECOND

GUNICORN = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
ROOT = Path(__file__).resolve().parent.parent

BAD = [
    ("RECOND_BENEFICIARY_RETENTION_MONTHS", "abc", "whole number of months"),
    ("RECOND_PRICE_FLOOR_CENTS", "9,99", "whole number of cents"),
    ("RECOND_MAX_UPLOAD_BYTES", "1e6", "whole number of bytes"),
    ("RECOND_JOB_HEARTBEAT_SECONDS", "0", "at least 1"),
    ("RECOND_SECURE_COOKIES", "yes", "1 (on) or 0 (off)"),
    ("RECOND_TIMEZONE", "Mars/Olympus", "time zone"),
    ("RECOND_PROXY_COUNT", "two", "whole number of proxies"),
    ("RECOND_SMTP_URL", "http://mail.example.org", "smtp://user:password@host:587"),
    ("RECOND_REQUIRE_2FA_ROLES", "admin,wizard", "roles separated by commas"),
    # A lower grade asking for a better battery than a higher one, a grade that does not exist.
    ("RECOND_GRADE_BATTERY_MIN", "A:60,B:70", "never higher for a lower grade"),
    ("RECOND_GRADE_BATTERY_MIN", "D:10", "such as A:80,B:70,C:50"),
    ("RECOND_WEBHOOK_RETRY_SECONDS", "30,2min", "pauses in seconds separated by commas"),
    ("RECOND_WEBHOOK_RETRY_SECONDS", "30,-1", "each at least 0"),
    ("RECOND_WEBHOOK_TIMEOUT_SECONDS", "0", "at least 1"),
    ("RECOND_WEBHOOK_ALLOW_LOCAL", "yes", "1 (on) or 0 (off)"),
]


def _env(tmp_path, name, value):
    env = dict(os.environ, RECOND_INSTANCE_PATH=str(tmp_path), RECOND_SECRET_KEY="test-only")
    env.pop("RECOND_REDIS_URL", None)
    env[name] = value
    return env


def _one_clear_line(stderr: str, name: str, expects: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if "configuration error" in line]
    assert len(lines) == 1, stderr
    assert name in lines[0] and expects in lines[0], lines[0]


@pytest.mark.parametrize("name,value,expects", BAD)
def test_the_cli_says_which_variable_is_wrong_in_one_line(tmp_path, name, value, expects):
    result = subprocess.run([RECOND, "purge-beneficiaries"], capture_output=True, text=True,
                            timeout=60, env=_env(tmp_path, name, value))
    assert result.returncode == 2
    _one_clear_line(result.stderr, name, expects)
    assert result.stderr.strip().count("\n") == 0  # the whole output is that one line


def test_gunicorn_stops_with_the_same_line(tmp_path):
    result = subprocess.run([GUNICORN, "--bind", "127.0.0.1:0", "--workers", "1", "wsgi:app"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env=_env(tmp_path, "RECOND_BENEFICIARY_RETENTION_MONTHS", "abc"))
    assert result.returncode != 0
    _one_clear_line(result.stderr, "RECOND_BENEFICIARY_RETENTION_MONTHS", "whole number of months")
    assert "App failed to load" in result.stderr  # the arbiter stops instead of respawning


@pytest.mark.parametrize("name,value,expects", BAD)
def test_create_app_raises_one_line(monkeypatch, tmp_path, name, value, expects):
    monkeypatch.setenv("RECOND_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        create_app()
    assert name in str(raised.value) and expects in str(raised.value)
    assert "\n" not in str(raised.value)


def test_good_values_are_read(monkeypatch, tmp_path):
    monkeypatch.setenv("RECOND_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("RECOND_BENEFICIARY_RETENTION_MONTHS", " 36 ")
    monkeypatch.setenv("RECOND_SECURE_COOKIES", "1")
    monkeypatch.setenv("RECOND_GRADE_BATTERY_MIN", " a:85, C:40 ")
    app = create_app()
    assert app.config["BENEFICIARY_RETENTION_MONTHS"] == 36
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["GRADE_BATTERY_MIN"] == {"A": 85, "B": 70, "C": 40}  # B keeps its default


@pytest.mark.parametrize("proxies,forwarded,seen", [
    ("", "203.0.113.5", "127.0.0.1"),                  # no proxy declared: the header is ignored
    ("1", "203.0.113.5", "203.0.113.5"),               # one proxy: the address it saw
    ("1", "198.51.100.9, 203.0.113.5", "203.0.113.5"),  # what the client wrote is not believed
    ("2", "198.51.100.9, 203.0.113.5", "198.51.100.9"),
])
def test_the_client_address_behind_the_declared_proxies(monkeypatch, tmp_path, proxies,
                                                         forwarded, seen):
    """The login guard and the security log read request.remote_addr: behind the README's
    reverse proxy it is the client's only when RECOND_PROXY_COUNT says how many to trust."""
    from flask import request

    monkeypatch.setenv("RECOND_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("RECOND_PROXY_COUNT", proxies)
    app = create_app({"TESTING": True})
    app.add_url_rule("/_address", "address", lambda: request.remote_addr)
    response = app.test_client().get("/_address", headers={"X-Forwarded-For": forwarded},
                                     environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.text == seen
