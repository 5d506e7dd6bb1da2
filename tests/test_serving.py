"""The servers Recond ships with (gunicorn through wsgi.py, Werkzeug's for `recond serve`)
answer without a `Server` header naming a product and its version."""
import http.client
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

from werkzeug.serving import make_server

from recond.serving import QuietRequestHandler

ROOT = Path(__file__).resolve().parent.parent


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=60)
        self.unix_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(self.unix_path)


def test_recond_serve_sends_no_server_banner(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=60)
        connection.request("GET", "/healthz")
        answer = connection.getresponse()
        assert answer.status == 200 and answer.getheader("Server") is None
        assert answer.getheader("Date")  # the other headers the server writes are still there
    finally:
        server.shutdown()
        thread.join(timeout=120)


def test_gunicorn_through_wsgi_py_sends_no_server_banner(tmp_path):
    sock = tmp_path / "gunicorn.sock"
    env = {**os.environ, "RECOND_INSTANCE_PATH": str(tmp_path / "instance"),
           "RECOND_DATABASE_URL": f"sqlite:///{tmp_path / 'recond.sqlite3'}"}
    for name in ("RECOND_REDIS_URL", "RECOND_SECURE_COOKIES", "RECOND_PROXY_COUNT"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"unix:{sock}",
         "--log-level", "info", "wsgi:app"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stderr:  # gunicorn's own signal: the socket is listening
            if "Booting worker" in line:
                break
        else:
            raise AssertionError(f"gunicorn stopped: exit {process.wait()}")
        connection = _UnixConnection(str(sock))
        connection.request("GET", "/healthz")
        answer = connection.getresponse()
        assert answer.status == 200 and answer.getheader("Server") is None
    finally:
        process.terminate()
        process.wait(timeout=30)
