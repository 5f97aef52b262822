"""nginx (Debian's package) as the load balancer of the multi-process tests.

Runs in the foreground (``daemon off``) with a configuration, pid file, logs and temporary
folders of its own under the test's tmp_path, listening on a free port of 127.0.0.1. The
upstream is the two gunicorn instances, round robin; ``proxy_next_upstream error timeout``
sends an idempotent request that found an instance dead to the other one (nginx never
retries a POST that reached an instance). ``X-Upstream`` in each response names the instance
that served it, so a test can see the requests alternate.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

CONFIG = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/nginx-error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {root}/nginx-access.log;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    upstream openimi {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://openimi;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_available() -> bool:
    return Path(NGINX).exists()


def write_config(root: Path, port: int, upstreams: list[int]) -> Path:
    """The configuration for nginx in ``root``, in front of gunicorn on ``upstreams``."""
    root.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(
        f"        server 127.0.0.1:{upstream} max_fails=1 fail_timeout=30s;"
        for upstream in upstreams
    )
    # As root, nginx's workers would become "nobody", who cannot read tmp_path (mode 700).
    user = "user root;" if os.geteuid() == 0 else ""
    path = root / "nginx.conf"
    path.write_text(CONFIG.format(root=root, port=port, servers=servers, user=user))
    return path


def nginx_argv(root: Path, config: Path) -> list[str]:
    return [NGINX, "-p", str(root), "-c", str(config), "-e", str(root / "nginx-error.log")]
