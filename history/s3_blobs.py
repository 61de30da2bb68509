"""Images as S3 objects (AWS S3, MinIO, R2, ...), so that several replicas share one history.

HISTORY_BLOB_URL=s3://bucket/prefix names the place; boto3 reads everything else from its own
standard settings (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION,
a profile or an instance role). An object is written whole before any row points at it (the
store's order), removed after its last row is gone, and strays are swept inside the store's write
transaction, so a sweep never races a save of the same image.

Gradio serves local files, so a replica keeps the images its pages show in a local cache laid out
like FileBlobs: written through on save, fetched when a run is opened, thumbnails fetched or made
(and uploaded) when a list shows them. The cache is private, loses a run's files when the run is
deleted, and drops copies after a day or beyond its size bound: never the only copy of anything.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .blobs import STALE_TEMP_S, Confirm, FileBlobs, remove_if_empty
from .images import THUMBNAIL_SUFFIX, StoredImage, browser_image

logger = logging.getLogger(__name__)

CACHE_AGE_S = 24 * 3600
CACHE_MAX_BYTES = 2 * 1024**3
PRUNE_EVERY_S = 3600
THUMBNAIL_WORKERS = 8
DELETE_BATCH = 1000
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}
MISSING = ("404", "NoSuchKey", "NotFound")


def parse_blob_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of `s3://bucket/prefix`; the prefix may be empty."""
    parsed = urlsplit(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValueError(f"a blob URL looks like s3://bucket/prefix; got {url!r}")
    return parsed.netloc, parsed.path.strip("/")


def s3_client() -> Any:
    """An S3 client from boto3's standard settings. Path-style addressing when an endpoint is
    configured: S3-compatible servers (MinIO, ...) seldom have a DNS name per bucket."""
    import boto3
    from botocore.config import Config

    custom = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    config = Config(
        s3={"addressing_style": "path"} if custom else {},
        retries={"mode": "standard", "max_attempts": 5},
        max_pool_connections=THUMBNAIL_WORKERS * 2,
    )
    return boto3.session.Session().client("s3", config=config)


def is_missing(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code")) in MISSING


class S3Blobs(FileBlobs):
    """Objects under `s3://bucket/prefix/<ab>/<digest>.<ext>` (thumbnails beside them), with a
    local cache in `cache` that has the FileBlobs layout."""

    remote = True

    def __init__(self, url: str, cache: Path, key: bytes, client: Any = None) -> None:
        super().__init__(cache, key, durable=False)  # a cache: losing it loses nothing
        self.bucket, self.prefix = parse_blob_url(url)
        self._s3 = client or s3_client()
        self._s3.head_bucket(Bucket=self.bucket)  # fails now, with boto3's reason, not mid-run
        self._pruned = 0.0
        self.prune()

    def check(self) -> None:
        """Raises boto3's error when the bucket does not answer (a readiness check)."""
        self._s3.head_bucket(Bucket=self.bucket)

    def object_key(self, file_name: str) -> str:
        shard = f"{file_name[:2]}/{file_name}"
        return f"{self.prefix}/{shard}" if self.prefix else shard

    def write(self, data: bytes) -> StoredImage:
        stored, ext, (width, height) = browser_image(data)
        image = StoredImage(self.digest(stored), ext, stored, width, height)
        self._put(image.file_name, stored)  # the object first: whole before any row names it
        self._write_atomically(self.path(image.digest, ext), stored)
        return image

    def ensure(self, image: StoredImage) -> None:
        if not self._exists(image.file_name):
            self._put(image.file_name, image.data)

    def fetch(self, digest: str, ext: str) -> Path:
        self._prune_now_and_then()
        path = self.path(digest, ext)
        if path.exists():
            os.utime(path)  # recently used: the size bound drops it last
        elif not self._download(path.name, path, digest):
            logger.warning("image %s is missing from the bucket", path.name)
        return path

    def make_thumbnail(self, thumbnail: str) -> bool:
        """The local thumbnail, else its object, else made from the image and uploaded."""
        target = Path(thumbnail)
        if target.exists() or self._download(target.name, target):
            return True
        source = Path(thumbnail.removesuffix(THUMBNAIL_SUFFIX))
        digest, _dot, ext = source.name.partition(".")
        self.fetch(digest, ext)
        if not super().make_thumbnail(thumbnail):
            return False
        self._put(target.name, target.read_bytes())
        return True

    def make_thumbnails(self, thumbnails: Sequence[str]) -> list[bool]:
        """Fetches or makes a page's missing thumbnails in parallel (each is a round trip)."""
        missing = [thumbnail for thumbnail in thumbnails if not os.path.exists(thumbnail)]
        if not missing:
            return [True] * len(thumbnails)
        with ThreadPoolExecutor(min(THUMBNAIL_WORKERS, len(missing))) as pool:
            made = dict(zip(missing, pool.map(self.make_thumbnail, missing), strict=True))
        return [made.get(thumbnail, True) for thumbnail in thumbnails]

    def remove(self, digest: str, ext: str) -> None:
        name = f"{digest}.{ext}"
        self._delete([self.object_key(name), self.object_key(name + THUMBNAIL_SUFFIX)])
        super().remove(digest, ext)

    def sweep(self, known: set[str], confirm: Confirm, older_than: float = STALE_TEMP_S) -> None:
        """Removes objects no row knows, older than `older_than` seconds (younger ones may be a
        save in progress), each batch re-checked inside a write transaction; prunes the cache."""
        self.prune()
        strays: dict[str, list[str]] = {}
        for digest, object_key in self._old_objects(older_than):
            if digest not in known:
                strays.setdefault(digest, []).append(object_key)
        digests = sorted(strays)
        for start in range(0, len(digests), DELETE_BATCH // 2):
            with confirm(digests[start : start + DELETE_BATCH // 2]) as unknown:
                self._delete([key for digest in unknown for key in strays[digest]])
                for digest in unknown:
                    logger.info("swept stray image %s", digest)

    def prune(self) -> None:
        """Drops cached copies older than a day, then the least recently used while the cache
        holds more than CACHE_MAX_BYTES."""
        self._pruned = time.monotonic()
        cutoff, kept = time.time() - CACHE_AGE_S, []
        for folder in os.scandir(self.root):
            if not folder.is_dir(follow_symlinks=False):
                continue
            for file in os.scandir(folder.path):
                try:
                    status = file.stat()
                    if status.st_mtime < cutoff:
                        os.unlink(file.path)
                    else:
                        kept.append((status.st_mtime, status.st_size, file.path))
                except FileNotFoundError:
                    continue
            remove_if_empty(Path(folder.path))
        total = sum(size for _mtime, size, _path in kept)
        for _mtime, size, path in sorted(kept):
            if total <= CACHE_MAX_BYTES:
                break
            Path(path).unlink(missing_ok=True)
            total -= size

    def _prune_now_and_then(self) -> None:
        if time.monotonic() - self._pruned > PRUNE_EVERY_S:
            self.prune()

    def _old_objects(self, older_than: float) -> Iterator[tuple[str, str]]:
        """(digest, key) of every object under the prefix last written over `older_than` ago."""
        cutoff = datetime.now(UTC) - timedelta(seconds=older_than)
        prefix = f"{self.prefix}/" if self.prefix else ""
        for page in self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        ):
            for item in page.get("Contents", []):
                if item["LastModified"] <= cutoff:
                    yield item["Key"].rsplit("/", 1)[-1].split(".", 1)[0], item["Key"]

    def _put(self, file_name: str, data: bytes) -> None:
        content_type = CONTENT_TYPES.get(file_name.rsplit(".", 1)[-1], "application/octet-stream")
        self._s3.put_object(
            Bucket=self.bucket, Key=self.object_key(file_name), Body=data, ContentType=content_type
        )

    def _exists(self, file_name: str) -> bool:
        try:
            self._s3.head_object(Bucket=self.bucket, Key=self.object_key(file_name))
        except Exception as error:
            if is_missing(error):
                return False
            raise
        return True

    def _download(self, file_name: str, path: Path, digest: str | None = None) -> bool:
        """Copies an object into the cache at `path`; False if there is no such object. With
        `digest`, bytes that do not hash to it (a tampered or broken object) are refused."""
        try:
            data = self._s3.get_object(Bucket=self.bucket, Key=self.object_key(file_name))
        except Exception as error:
            if is_missing(error):
                return False
            raise
        body = data["Body"].read()
        if digest is not None and self.digest(body) != digest:
            logger.error("object %s does not hold the image it names; not served", file_name)
            return False
        self._write_atomically(path, body)
        return True

    def _delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), DELETE_BATCH):
            batch = [{"Key": key} for key in keys[start : start + DELETE_BATCH]]
            if batch:
                self._s3.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
