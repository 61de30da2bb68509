"""deploy/ runs the replicas the README describes: two app replicas from the Dockerfile behind
nginx, PostgreSQL, MinIO with its bucket, and one settings file naming what the app reads."""

import re
from pathlib import Path

import yaml

from ui.core.config import SETTINGS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def settings_file() -> dict[str, str]:
    lines = (DEPLOY / "replicas.env").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value for name, value in pairs}


def test_compose_runs_two_replicas_of_the_image_behind_nginx_with_postgres_and_minio():
    services = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]
    replicas = [name for name, service in services.items() if "build" in service]
    assert len(replicas) == 2
    for name in replicas:
        assert services[name]["build"]["dockerfile"] == "Dockerfile"
        assert services[name]["env_file"] == "replicas.env"
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["minio"]["image"].startswith("minio/minio")
    bucket = settings_file()["HISTORY_BLOB_URL"].removeprefix("s3://").split("/")[0]
    assert f"mc mb --ignore-existing local/{bucket}" in services["bucket"]["entrypoint"]

    upstream = re.findall(r"server (\w+):7860", (DEPLOY / "nginx.conf").read_text())
    assert sorted(upstream) == sorted(replicas), "nginx sends visitors to the compose replicas"


def test_every_replica_gets_the_shared_settings():
    env = settings_file()
    known = {name for name, _default, _meaning in SETTINGS}
    shared = {"HISTORY_DATABASE_URL", "HISTORY_BLOB_URL", "HISTORY_SECRET"}
    assert shared <= set(env) and shared <= known
    assert env["HISTORY_DATABASE_URL"].startswith("postgresql://")
    aws = {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"}
    assert aws <= set(env)


def test_nginx_keeps_a_visitor_on_one_replica_by_the_owner_cookie():
    text = (DEPLOY / "nginx.conf").read_text()
    assert "hash $playground_visitor consistent;" in text
    assert "playground_owner_" in text, "keyed on the app's owner cookie (ui/core/owner.py)"
