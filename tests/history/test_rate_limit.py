"""Issue 26, one rate limit per gateway key, at the store: the turns of each model live in the
history's database, so two stores on one database (two replicas) taking turns from many threads
never send faster than the limit together, and a 429's back-off holds for both; on SQLite and
PostgreSQL."""

from __future__ import annotations

import itertools
import threading
import time
from types import SimpleNamespace

import pytest

from history.rate_limit import RateLimit, RateLimitError, parse_rate_limit
from ui.core.config import AppConfig, ConfigError
from ui.core.fair_share import FairSlots
from ui.core.jobs import Job
from ui.core.runs import Runner, StoppedBeforeSending
from ui.editor.handlers import progress_text

WAN = "wan2.7-image-pro"
QWEN = "qwen-image-2.0-pro"


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


def test_the_setting_takes_a_number_and_model_pairs():
    limit = parse_rate_limit("60, wan2.7-image-pro=20")
    assert limit.of_model(WAN) == 20 and limit.of_model(QWEN) == 60
    assert limit.spacing(WAN) == 3.0 and limit.spacing(QWEN) == 1.0
    assert parse_rate_limit("wan2.7-image-pro=0.5").spacing(QWEN) is None
    assert parse_rate_limit("").spacing(WAN) is None
    config = AppConfig.from_env([], {"RATE_LIMIT_PER_MINUTE": "120"})
    assert config.rate_limit.spacing(WAN) == 0.5
    for wrong in ("fast", "0", "-3", "wan2.7-image-pro=1,wan2.7-image-pro=2", "1,2", "=4"):
        with pytest.raises(RateLimitError):
            parse_rate_limit(wrong)
    with pytest.raises(ConfigError, match="RATE_LIMIT_PER_MINUTE"):
        AppConfig.from_env([], {"RATE_LIMIT_PER_MINUTE": "lots"})


def take_turns(limiter, model: str, turns: int, start: threading.Barrier, taken: list) -> None:
    """Takes `turns` turns of `model`, waiting as told; records when each was granted."""
    start.wait()
    for _ in range(turns):
        while True:
            now = time.time()
            wait = limiter.take(model, now=now)
            if wait == 0:
                taken.append(now)
                break
            time.sleep(min(wait, 0.05))


def test_two_replicas_taking_turns_at_once_never_pass_the_limit(open_store, tmp_path):
    """Two stores on one database, four threads each, twenty-four turns of a model limited to
    600 a minute (one every 0.1 s): every two turns are 0.1 s apart or more, whichever replica
    took them, so no window holds more than the limit allows."""
    limit = RateLimit(per_model=((WAN, 600.0),))
    limiters = [open_store(tmp_path / "h").rate_limiter(limit) for _ in range(2)]
    start = threading.Barrier(8)
    taken: list[float] = []
    threads = [
        threading.Thread(target=take_turns, args=(limiters[i % 2], WAN, 3, start, taken))
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken.sort()
    assert len(taken) == 24
    gaps = [later - earlier for earlier, later in itertools.pairwise(taken)]
    assert min(gaps) >= 0.1 - 1e-6
    for first in taken:  # any one second holds at most 600 / 60 = 10
        assert sum(first <= when < first + 1.0 for when in taken) <= 10


def test_a_429s_back_off_holds_every_replica(open_store, tmp_path):
    """One replica's 429 holds the model on the other, limited or not, until the Retry-After
    passes; other models go on."""
    first, second = (
        open_store(tmp_path / "h").rate_limiter(RateLimit(per_model=((QWEN, 60.0),)))
        for _ in range(2)
    )
    first.back_off(WAN, 5.0, now=1000.0)
    first.back_off(QWEN, None, now=1000.0)  # no Retry-After: the default back-off
    assert second.take(WAN, now=1002.0) == pytest.approx(3.0)
    assert second.take(QWEN, now=1002.0) == pytest.approx(8.0)
    assert second.take("wan2.6-image", now=1002.0) == 0
    assert second.seconds_left(WAN, now=1002.0) == pytest.approx(3.0)
    assert second.take(WAN, now=1005.0) == 0
    assert first.take(QWEN, now=1010.0) == 0
    assert second.take(QWEN, now=1010.5) == pytest.approx(0.5)  # 60 a minute: 1 s apart


def test_a_run_waiting_its_turn_says_so_and_stopped_sends_nothing(open_store, tmp_path):
    """A run waiting for its turn says so on its status line (in English and Chinese) and,
    stopped, raises before sending and leaves the turn to the next run."""
    store = open_store(tmp_path / "h")
    limiter = store.rate_limiter(RateLimit(per_model=((WAN, 6.0),)))
    runner = Runner(None, store, limiter=limiter)  # the backend is not reached while waiting
    limiter.back_off(WAN, 30.0)
    job = Job("anon:alice", "session", "a prompt", WAN)
    waiter = threading.Thread(target=wait_for_turn, args=(runner, job))
    waiter.start()
    assert job.waiting.wait(10)
    english = progress_text(None, job, None, FairSlots(None), limiter)
    chinese = progress_text(CHINESE, job, None, FairSlots(None), limiter)
    job.stopped.set()
    waiter.join()
    assert "Waiting for the service's rate limit**: about 30 s" in english
    assert f"at most 6 {WAN} requests a minute" in english
    assert "正在等待服务的速率限制**：约 30 秒" in chinese
    assert isinstance(job.error, StoppedBeforeSending) and not job.waiting.is_set()
    assert 29 < limiter.take(WAN) <= 30.0  # the back-off still holds: no turn moved it on


CHINESE = SimpleNamespace(headers={"accept-language": "zh-CN,zh"})


def wait_for_turn(runner: Runner, job: Job) -> None:
    try:
        runner.wait_turn(WAN, job.stopped, job.waiting)
    except StoppedBeforeSending as stopped:
        job.error = stopped
