"""gunicorn's configuration for Recond, run from the repository's folder:
`.venv/bin/gunicorn -c deploy/gunicorn.conf.py` (deploy/systemd/recond-web.service does).

Logs: the access log (stdout by default) and the error log (stderr by default: gunicorn's own
lines, the application's lines and their tracebacks) are JSON, one object a line, the same
format as the application's (`recond/logs.py`); under systemd both go to the journal. Set
RECOND_ACCESS_LOG / RECOND_ERROR_LOG to file paths to write files instead (send USR1 to reopen
them after rotation).
"""
import os

from gunicorn.glogging import Logger

from recond.logs import JsonFormatter

wsgi_app = "wsgi:app"
bind = os.environ.get("RECOND_BIND", "127.0.0.1:8000")
# Sync workers: each request holds one database connection; two per core is a good start.
workers = int(os.environ.get("RECOND_WEB_WORKERS", "4"))
# A label sheet or a certificate takes well under a second; a request stuck longer is killed
# (its transaction rolled back), which also bounds how long a transaction stays open.
timeout = 60
graceful_timeout = 30
max_requests = 2000  # recycle a worker now and then: a slow leak never grows for ever
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm"  # workers' heartbeat files off the disk
accesslog = os.environ.get("RECOND_ACCESS_LOG", "-")
errorlog = os.environ.get("RECOND_ERROR_LOG", "-")
capture_output = True  # with an error log file, the application's lines (stderr) go there too
loglevel = "info"
# The app reads the client's address through RECOND_PROXY_COUNT (ProxyFix); gunicorn itself
# believes X-Forwarded-* only from the proxy on this machine.
forwarded_allow_ips = "127.0.0.1"
proc_name = "recond-web"


class JsonLogger(Logger):
    """gunicorn's logger, its error and access lines written as JSON (files reopened on USR1
    keep the format)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())


logger_class = JsonLogger
