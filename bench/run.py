"""Benchmark openimi at scale: gunicorn against a generated database, wrk per operation.

    python bench/run.py --scale S,L [--workers 3] [--connections 8] [--duration 15]
                        [--warmup 3] [--settle 0.1] [--warmup-max 60] [--fanout-sends 5]
                        [--redis [URL]] [--out bench/results.md]

For each scale: make sure the database exists at that scale (``generate.py``, reused when
already there), start gunicorn with production settings, log in through the real two-step
login, get API tokens, then drive every operation with wrk (after a warm-up until its rate
settles, ``warm_up``) for ``--duration`` seconds from a
separate process and count its SQL queries once in process. Prints one markdown table per
scale, then the growth from the first scale to the last, and writes them to ``--out``.

``--redis`` (default URL ``redis://127.0.0.1:6379/14``): the workers share one Redis for the
content cache (entries encrypted, a key made for the run) and the rate limits, as a
deployment with ``REDIS_URL`` does, under a key prefix of the run's own, deleted afterwards.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchenv import BENCH_DIR, REPO, environment  # noqa: E402

PYTHON = str(REPO / ".venv" / "bin" / "python")
BIN = REPO / ".venv" / "bin"
SERVER = "postgres://root@127.0.0.1:5432"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


@dataclass
class Op:
    name: str
    kind: str  # "read" or "write"
    auth: str  # "session:<username>" or "token:<username>"
    items: list[tuple[str, str, str]]  # (method, path, body) walked in turn
    probe: tuple[str, str, str] | None = None  # the one counted in process (writes)
    reset_sql: str = ""
    result: dict = field(default_factory=dict)


def operations(prep: dict) -> list[Op]:
    accept_sql = (
        "UPDATE exchange_informationrequest SET status = 'awaiting_acceptance', "
        f"accepted_at = NULL WHERE id = {int(prep['accept_probe'])}"
    )
    detail = [("GET", f"/requests/{pk}/", "") for pk in prep["detail_ids"]] or [
        ("GET", "/requests/", "")
    ]

    def answer(item):
        pk, question, kind = item
        body = (
            {"free_text": "Registered and in good standing.", "free_text_language": "en"}
            if kind == "free_text"
            else {"value": "yes"}
        )
        return ("PUT", f"/api/v1/requests/{pk}/questions/{question}/answer/", json.dumps(body))

    return [
        Op("floor (/ping/)", "read", "session:bench.reader", [("GET", "/ping/", "")]),
        Op("home page", "read", "session:bench.reader", [("GET", "/", "")]),
        Op("incoming list", "read", "session:bench.reader", [("GET", "/requests/", "")]),
        Op(
            "filtered list",
            "read",
            "session:bench.reader",
            [("GET", f"/requests/?status=closed&area={prep['area_id']}&sort=newest", "")],
        ),
        Op("request detail", "read", "session:bench.reader", detail),
        Op(
            "authority search: text",
            "read",
            "session:bench.reader",
            [("GET", f"/authorities/?q={requests.utils.quote(prep['search_word'])}", "")],
        ),
        Op(
            "authority search: filters",
            "read",
            "session:bench.reader",
            [
                (
                    "GET",
                    f"/authorities/?country={prep['country']}&kind=ca&area={prep['area_code']}"
                    f"&sector={prep['sector']}",
                    "",
                )
            ],
        ),
        Op("API request list", "read", "token:bench.reader", [("GET", "/api/v1/requests/", "")]),
        Op(
            "accept (API)",
            "write",
            "token:bench.writer",
            [("POST", f"/api/v1/requests/{pk}/accept/", "{}") for pk in prep["accept_ids"]],
            probe=("POST", f"/api/v1/requests/{prep['accept_probe']}/accept/", "{}"),
            reset_sql=accept_sql,
        ),
        Op(
            "answer (API)",
            "write",
            "token:bench.writer",
            [answer(item) for item in prep["answer_items"]],
            probe=answer(prep["answer_probe"]),
        ),
    ]


# --- processes -------------------------------------------------------------------------------


def call_json(args: list[str], env: dict) -> dict:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line[len("BENCH-JSON ") :])
    raise SystemExit(f"{' '.join(args[:3])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def ensure_database(scale: str) -> str:
    subprocess.run([PYTHON, str(BENCH_DIR / "generate.py"), "--scale", scale], check=True)
    return f"{SERVER}/openimi_bench_{scale.lower()}"


class Gunicorn:
    def __init__(self, env: dict, workers: int, port: int):
        self.url = f"http://127.0.0.1:{port}"
        (BENCH_DIR / ".var").mkdir(exist_ok=True)
        self.log_file = (BENCH_DIR / ".var" / "gunicorn.log").open("a")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "openimi.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            env=env,
            cwd=str(REPO),
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/accounts/login/", timeout=30)
                return
            except requests.RequestException:
                time.sleep(0.5)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log_file.close()


# --- login -----------------------------------------------------------------------------------


def _csrf(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        raise SystemExit("no CSRF token on the login page")
    return match.group(1)


def login(base: str, username: str, password: str, code: str) -> str:
    """The real two-step login (password, then three characters of the security code);
    returns the Cookie header of the session."""
    session = requests.Session()
    page = session.get(base + "/accounts/login/").text
    step2 = session.post(
        base + "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": _csrf(page)},
        headers={"Referer": base + "/accounts/login/"},
    )
    positions = [int(p) for p in re.findall(r"Character (\d+) of your security code", step2.text)]
    if len(positions) != 3:
        raise SystemExit(f"login step 2 for {username}: no positions found")
    data = {"csrfmiddlewaretoken": _csrf(step2.text)}
    for index, position in enumerate(positions, start=1):
        data[f"character_{index}"] = code[position - 1]
    done = session.post(
        base + "/accounts/login/code/",
        data=data,
        headers={"Referer": base + "/accounts/login/code/"},
        allow_redirects=False,
    )
    if done.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"login of {username} failed ({done.status_code})")
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


# --- wrk ---------------------------------------------------------------------------------------


def wrk(base: str, op: Op, headers: list[str], seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
        for method, path, body in op.items:
            handle.write(f"{method}\t{path}\t{body}\n")
        items_file = handle.name
    env = {
        **os.environ,
        "BENCH_REQUESTS": items_file,
        "BENCH_HEADERS": "|".join(headers),
    }
    try:
        done = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(BENCH_DIR / "wrk.lua"),
                base,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(items_file)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line[len("BENCH-JSON ") :])
    raise SystemExit(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")


def warm_up(base: str, op: Op, headers: list[str], args) -> list[float]:
    """Drive ``op`` in windows of ``--warmup`` seconds until its throughput settles: a window
    within ``--settle`` (a fraction) of the one before, or ``--warmup-max`` seconds in all.
    Returns each window's requests per second.

    A read whose pages are kept (the content cache, one per gunicorn worker) gets faster
    while the workers fill their caches: the request detail walks 200 pages, so each of three
    workers renders up to 200 first. Measured before that settles, its rate depends on
    ``--duration`` (0.44 of the floor in 15 s, 0.52 in 60 s at scale L, bench/RESULTS.md),
    which is no throughput. ``--settle 0``: one window, as before; ``--content-cache-seconds
    0`` measures the first reads themselves.
    """
    rates: list[float] = []
    while True:
        rates.append(rps(wrk(base, op, headers, args.warmup, args.connections)))
        settled = len(rates) > 1 and abs(rates[-1] - rates[-2]) <= args.settle * rates[-2]
        if settled or not args.settle or len(rates) * args.warmup >= args.warmup_max:
            return rates


def check(base: str, op: Op, headers: list[str]) -> int:
    """One request by hand: a page that redirects (to the login) would measure nothing."""
    method, path, body = op.items[-1]
    hdrs = dict(h.split(": ", 1) for h in headers)
    response = requests.request(
        method, base + path, headers=hdrs, data=body or None, allow_redirects=False
    )
    if not 200 <= response.status_code < 300:
        raise SystemExit(
            f"{op.name}: {method} {path} answered {response.status_code}: "
            f"{html.unescape(response.text[:300])}"
        )
    return response.status_code


# --- one scale ---------------------------------------------------------------------------------


def run_scale(scale: str, args) -> dict:
    url = ensure_database(scale)
    extra = {"WEB_CONCURRENCY": str(args.workers)}
    if args.content_cache_seconds is not None:
        extra["CONTENT_CACHE_SECONDS"] = str(args.content_cache_seconds)
    prefix = f"openimi-bench-{os.getpid()}-{scale.lower()}"
    if args.redis:
        extra.update(
            REDIS_URL=args.redis,
            CACHE_KEY_PREFIX=prefix,
            CACHE_ENCRYPTION_KEYS="bench:" + base64.b64encode(os.urandom(32)).decode(),
        )
    env = environment(url, **extra)
    try:
        return _run_scale(scale, url, env, args)
    finally:
        if args.redis:
            client = redis.Redis.from_url(args.redis)
            keys = list(client.scan_iter(match=f"{prefix}:*"))
            log(f"{scale}: {len(keys)} keys in Redis after the run, deleted")
            if keys:
                client.delete(*keys)


def _run_scale(scale: str, url: str, env: dict, args) -> dict:
    log(f"{scale}: preparing (tokens, pools)")
    prep = call_json([PYTHON, str(BENCH_DIR / "inprocess.py"), "prepare", url], env)
    ops = operations(prep)
    if args.only:
        wanted = [w.strip().lower() for w in args.only.split(",")]
        ops = [op for op in ops if op.name.startswith("floor") or any(w in op.name for w in wanted)]
    server = Gunicorn(env, args.workers, args.port)
    try:
        cookie = login(server.url, "bench.reader", args.password, args.security_code)
        headers_for = {
            "session:bench.reader": [f"Cookie: {cookie}"],
            "token:bench.reader": [f"Authorization: Bearer {prep['tokens']['bench.reader']}"],
            "token:bench.writer": [f"Authorization: Bearer {prep['tokens']['bench.writer']}"],
        }
        for op in ops:
            headers = [*headers_for[op.auth]]
            warmup: list[float] = []  # the writes run cold: each takes a fresh pool row
            if op.kind == "write":
                headers.append("Content-Type: application/json")
            else:
                check(server.url, op, headers)
                if args.warmup:
                    warmup = warm_up(server.url, op, headers, args)
                    log(
                        f"{scale}: {op.name} warmed up in {len(warmup) * args.warmup} s "
                        f"(req/s per window: {', '.join(f'{rate:.0f}' for rate in warmup)})"
                    )
            log(f"{scale}: {op.name} for {args.duration} s")
            op.result = wrk(server.url, op, headers, args.duration, args.connections)
            op.result["warmup_rps"] = [round(rate, 1) for rate in warmup]
    finally:
        server.stop()
    # Queries per request, in process, once each.
    specs = []
    for op in ops:
        method, path, body = op.probe or op.items[0]
        user = op.auth.split(":", 1)[1]
        specs.append(
            {
                "name": op.name,
                "auth": op.auth if op.auth.startswith("session:") else f"token:{user}",
                "token": prep["tokens"][user] if op.auth.startswith("token:") else None,
                "method": method,
                "probe_path": path,
                "body": body,
                "reset_sql": op.reset_sql,
            }
        )
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(specs, handle)
    counted = call_json([PYTHON, str(BENCH_DIR / "inprocess.py"), "queries", url, handle.name], env)
    os.unlink(handle.name)
    for op in ops:
        op.result["queries"] = counted[op.name]["queries"]
        op.result["probe_status"] = counted[op.name]["status"]
    fan = None
    if args.fanout_sends:
        log(f"{scale}: fan-out, {args.fanout_sends} sends")
        fan = call_json(
            [PYTHON, str(BENCH_DIR / "inprocess.py"), "fanout", url, str(args.fanout_sends)], env
        )
    return {"scale": scale, "prep": prep, "ops": ops, "fanout": fan}


# --- the report --------------------------------------------------------------------------------


def rps(result: dict) -> float:
    return result["requests"] / (result["duration_us"] / 1e6)


def ms(value_us: float) -> str:
    return f"{value_us / 1000:.1f}"


def cache_label(args) -> str:
    if args.content_cache_seconds == 0:
        label = "content cache off"
    else:
        seconds = args.content_cache_seconds
        label = "content cache on" + (f" ({seconds} s)" if seconds else "")
        label += ", one Redis shared by the workers" if args.redis else ", one per worker"
    if args.redis:
        label += "; rate limits in Redis"
    return label


def scale_table(run: dict, args) -> str:
    ops = run["ops"]
    floor = rps(ops[0].result)
    counts = run["prep"].get("counts", {})
    lines = [
        f"### Scale {run['scale']} ({counts.get('requests', '?'):,} requests, "
        f"{args.workers} gunicorn workers, {args.connections} connections, {args.duration} s, "
        f"{cache_label(args)})"
        if isinstance(counts.get("requests"), int)
        else f"### Scale {run['scale']}",
        "",
        "| operation | warm-up s | req/s | p50 ms | p95 ms | p99 ms | SQL queries | vs floor "
        "| errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for op in ops:
        r = op.result
        errors = r["status"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
        warmup = len(r.get("warmup_rps", [])) * args.warmup
        lines.append(
            f"| {op.name} | {warmup} | {rps(r):.1f} | {ms(r['p50'])} | {ms(r['p95'])} "
            f"| {ms(r['p99'])} | {r['queries']} | {rps(r) / floor:.2f} | {errors} |"
        )
    fan = run.get("fanout")
    if fan:
        lines += [
            "",
            f"Notification fan-out: sending one request to an authority with "
            f"{fan['handlers']:,} request handlers takes {fan['median_ms']:.0f} ms (median of "
            f"{fan['sends']}, max {fan['max_ms']:.0f} ms), {fan['rows'].get('queries', '?')} SQL "
            f"queries, and writes {fan['rows'].get('outbox', '?')} outbox rows and "
            f"{fan['rows'].get('events', '?')} events.",
        ]
    return "\n".join(lines)


def growth_table(first: dict, last: dict) -> str:
    floor_last = rps(last["ops"][0].result)
    lines = [
        f"### Growth from {first['scale']} to {last['scale']}",
        "",
        f"| operation | req/s {first['scale']} | req/s {last['scale']} | "
        f"p95 {first['scale']} ms | p95 {last['scale']} ms | p95 ratio (target ≤ 1.5) | "
        f"{last['scale']} vs floor (target ≥ 0.5) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    by_name = {op.name: op for op in first["ops"]}
    for op in last["ops"]:
        other = by_name.get(op.name)
        if other is None:
            continue
        ratio = op.result["p95"] / max(other.result["p95"], 1)
        vs_floor = rps(op.result) / floor_last
        judged = op.kind == "read" and not op.name.startswith("floor")

        def mark(value: float, met: bool, judged: bool = judged) -> str:
            return f"{value:.2f} {'met' if met else 'missed'}" if judged else f"{value:.2f}"

        lines.append(
            f"| {op.name} | {rps(other.result):.1f} | {rps(op.result):.1f} | "
            f"{ms(other.result['p95'])} | {ms(op.result['p95'])} | {mark(ratio, ratio <= 1.5)} | "
            f"{mark(vs_floor, vs_floor >= 0.5)} |"
        )
    fan_first, fan_last = first.get("fanout"), last.get("fanout")
    if fan_first and fan_last:
        lines.append(
            f"| fan-out send (in process, median ms) | {fan_first['median_ms']:.0f} ms | "
            f"{fan_last['median_ms']:.0f} ms | | | "
            f"{fan_last['median_ms'] / max(fan_first['median_ms'], 0.001):.2f} | |"
        )
    return "\n".join(lines)


def machine() -> str:
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    pg = subprocess.run(
        ["psql", f"{SERVER}/postgres", "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{os.cpu_count()} CPUs, {memory}, {platform.platform()}, PostgreSQL {pg}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="S,L")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3, help="seconds per warm-up window")
    parser.add_argument(
        "--settle",
        type=float,
        default=0.1,
        help="warm up until a window's req/s is within this fraction of the one before "
        "(0: one window)",
    )
    parser.add_argument("--warmup-max", type=int, default=60, help="seconds of warm-up at most")
    parser.add_argument("--fanout-sends", type=int, default=5)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument(
        "--content-cache-seconds",
        type=int,
        default=None,
        help="CONTENT_CACHE_SECONDS for the server (0: every read renders; default: the product's)",
    )
    parser.add_argument(
        "--redis",
        nargs="?",
        const="redis://127.0.0.1:6379/14",
        default="",
        metavar="URL",
        help="the workers share one Redis (REDIS_URL) for the content cache and rate limits",
    )
    parser.add_argument("--only", default="", help="comma-separated parts of operation names")
    parser.add_argument("--out", default=str(BENCH_DIR / ".var" / "results.md"))
    parser.add_argument("--password", default="bench-Password-2026!")
    parser.add_argument("--security-code", default="Bench#2026ab")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install -y wrk)")
    runs = [run_scale(scale.strip().upper(), args) for scale in args.scale.split(",")]
    parts = [
        f"Command: `python bench/run.py {' '.join(argv if argv is not None else sys.argv[1:])}`",
        f"Machine: {machine()}",
        f"Run at: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        *(scale_table(run, args) + "\n" for run in runs),
    ]
    if len(runs) > 1:
        parts.append(growth_table(runs[0], runs[-1]))
    report = "\n".join(parts) + "\n"
    print(report)
    Path(args.out).write_text(report)
    raw = [
        {
            "scale": run["scale"],
            "fanout": run["fanout"],
            "ops": [{"name": op.name, "kind": op.kind, **op.result} for op in run["ops"]],
        }
        for run in runs
    ]
    Path(args.out).with_suffix(".json").write_text(json.dumps(raw, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
