"""Real servers for the tests and benchmarks, each on a free loopback port, stopped afterwards.

PostgreSQL (Debian's, from tests/install_packages.py): a throwaway cluster made by initdb in a
temporary folder (run as the `postgres` user when we are root, since initdb refuses root), its
socket in that folder, fsync off. S3: moto's standalone server (requirements-dev.txt), which
speaks the S3 HTTP protocol. nginx (Debian's): deploy/nginx.conf itself, pointed at loopback
replicas, with its pid, logs and temporary files in a folder of the test's.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx2

from tests.app_process import ROOT, free_port

STARTUP_TIMEOUT_S = 60.0
S3_BUCKET = "playground-history"
S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-access-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret-key",
    "AWS_DEFAULT_REGION": "us-east-1",
}
NGINX = "/usr/sbin/nginx"


def postgres_bin(name: str) -> str:
    """A PostgreSQL server program from Debian's newest installed version."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=version_of)
    assert found, "PostgreSQL is missing: run `python -m tests.install_packages`"
    return str(found[-1])


def version_of(path: Path) -> int:
    return int(path.parts[-3]) if path.parts[-3].isdigit() else 0


def wait_for(ready, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited:\n{log.read_text(errors='replace')}")
        if ready():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not start:\n{log.read_text(errors='replace')}")


@contextmanager
def postgres_server() -> Iterator[str]:
    """A fresh PostgreSQL cluster; yields its URL without a database name (append `/name`)."""
    root = Path(tempfile.mkdtemp(prefix="history-postgres-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, log, port = root / "data", root / "server.log", free_port()
    subprocess.run(
        [*as_postgres, postgres_bin("initdb"), "-D", str(data), "-U", "postgres",
         "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    command = [*as_postgres, postgres_bin("postgres"), "-D", str(data), "-p", str(port),
               "-k", str(root), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
               "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
               "-c", "max_connections=300", "-c", f"log_directory={root}"]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    url = f"postgresql://postgres@127.0.0.1:{port}"
    try:
        wait_for(lambda: postgres_answers(url), process, "PostgreSQL", log)
        yield url
    finally:
        stop_postgres(data, process)
        shutil.rmtree(root, ignore_errors=True)


def postgres_answers(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(f"{url}/postgres", connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def stop_postgres(data: Path, process: subprocess.Popen) -> None:
    """A fast shutdown of the postmaster (by its pid file: runuser may stand in between)."""
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGINT)
    except (OSError, ValueError, IndexError):
        process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def create_database(url: str) -> str:
    """A new empty database on the server at `url`; returns its URL."""
    import psycopg

    name = f"history_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{url}/{name}"


@contextmanager
def s3_server() -> Iterator[dict[str, str]]:
    """moto's S3 server with one bucket; yields the AWS_* settings that reach it."""
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="history-s3-")) / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    settings = {**S3_CREDENTIALS, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    try:
        wait_for(lambda: answers(settings["AWS_ENDPOINT_URL"]), process, "moto", log)
        s3_client(settings).create_bucket(Bucket=S3_BUCKET)
        yield settings
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(log.parent, ignore_errors=True)


def answers(url: str) -> bool:
    try:
        httpx2.get(url, timeout=2)
    except httpx2.TransportError:
        return False
    return True


def s3_client(settings: dict[str, str]):
    """A boto3 client of the server, as the tests look into the bucket."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=settings["AWS_ENDPOINT_URL"],
        aws_access_key_id=settings["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=settings["AWS_SECRET_ACCESS_KEY"],
        region_name=settings["AWS_DEFAULT_REGION"],
    )


def bucket_keys(settings: dict[str, str], prefix: str) -> list[str]:
    listing = s3_client(settings).list_objects_v2(Bucket=S3_BUCKET, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def nginx_config(replica_ports: Sequence[int], port: int, folder: Path) -> str:
    """deploy/nginx.conf pointed at loopback replicas, listening on `port`, its logs and
    temporary files in `folder`; each answer names the replica that gave it (X-Replica)."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = "".join(
        f"server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in replica_ports
    )
    text, replaced = re.subn(r"(\s*server app\d+:7860[^;]*;)+", "\n        " + servers, text)
    assert replaced == 1, "deploy/nginx.conf lists its replicas as appN:7860"
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
    local = "".join(
        f"    {name}_temp_path {folder / name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    local += f"    access_log {folder / 'access.log'};\n"
    text = text.replace("http {\n", "http {\n" + local, 1)
    return text.replace(
        "proxy_pass http://playground;",
        "proxy_pass http://playground;\n            add_header X-Replica $upstream_addr always;",
    )


@contextmanager
def nginx_server(replica_ports: Sequence[int], folder: Path) -> Iterator[str]:
    """nginx with deploy/nginx.conf in front of `replica_ports`; yields its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(nginx_config(replica_ports, port, folder))
    log = folder / "error.log"
    directives = f"daemon off; pid {folder / 'nginx.pid'}; error_log {log};"
    if os.geteuid() == 0:
        directives += " user root;"  # workers must reach the test's private temporary folder
    command = [NGINX, "-e", str(log), "-p", str(folder), "-c", str(config), "-g", directives]
    log.touch()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers(url), process, "nginx", log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
