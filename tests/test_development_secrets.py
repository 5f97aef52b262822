"""Development secrets (var/): made once per checkout, whole, even when several processes
start at once on a new checkout (gunicorn's workers booting together)."""

import os
import subprocess
import sys

READ = (
    "from openimi import settings; print(settings.SECRET_KEY); print(settings.SECURITY_CODE_KEYS)"
)


def test_processes_starting_together_share_one_whole_secret(tmp_path):
    env = {
        **os.environ,
        "OPENIMI_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "openimi.settings",
    }
    for name in ("SECRET_KEY", "SECURITY_CODE_KEYS", "OPENIMI_ENV"):
        env.pop(name, None)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", READ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outputs.append(out)
    assert len(set(outputs)) == 1  # one secret for all
    secret_key = outputs[0].splitlines()[0]
    assert len(secret_key) >= 50
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
