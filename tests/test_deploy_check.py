"""Production settings pass Django's deployment checks with no warning."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _production_env(tmp_path):
    env = {
        **os.environ,
        "OPENIMI_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURITY_CODE_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
        "SECURITY_CODE_CURRENT_KEY_ID": "k1",
        "ALLOWED_HOSTS": "imi.example.eu",
        "OPENIMI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    return env


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = _production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_collectstatic_succeeds_with_production_settings(tmp_path):
    # The manifest storage refuses a stylesheet or script that names a missing file
    # (a source map left out of a vendored package, say).
    env = {**_production_env(tmp_path), "STATIC_ROOT": str(tmp_path / "static")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "OPENIMI_ENV": "production", "OPENIMI_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
