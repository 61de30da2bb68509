"""Issue 25, budgets, at the store: a person's images of the UTC day are checked and reserved in
the transaction that journals a run, on SQLite and PostgreSQL; writers sending at once (threads
on one store, two stores on one database: two replicas) never pass the budget together."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from history.budgets import Budget, BudgetError, OverBudget, parse_budget, reset_at, utc_day
from tests.history.support import image_bytes, new_run
from ui.core.config import AppConfig, ConfigError

SENDER = "0123456789abcdef"
WAN = "wan2.7-image-pro"
QWEN = "qwen-image-2.0-pro"


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


def sending(owner: str = "anon:alice", n: int = 1, model: str = QWEN, **overrides):
    """A run as the journal records it before sending: its n asked, no result yet."""
    return new_run(
        owner, n=n, model=model, status="sending", sender=SENDER, output_images=[], **overrides
    )


def answered(run, made: int, status: str = "ok"):
    """The same run completed by its answer, with `made` results."""
    outputs = [image_bytes(40 + index) for index in range(made)]
    return replace(run, status=status, sender=None, output_images=outputs)


def test_the_setting_takes_a_count_and_model_pairs():
    assert parse_budget("20,wan2.7-image-pro=5") == Budget(20, ((WAN, 5),))
    assert parse_budget(" wan2.7-image-pro = 5 ") == Budget(None, ((WAN, 5),))
    assert parse_budget("") == Budget() and not Budget().configured
    config = AppConfig.from_env([], {"BUDGET_IMAGES_PER_DAY": "20,wan2.7-image-pro=5"})
    assert config.budget.per_day == 20 and config.budget.of_model(WAN) == 5
    for wrong in ("lots", "20,30", "=5", "wan2.7-image-pro=-1", "a=1,a=2"):
        with pytest.raises(BudgetError):
            parse_budget(wrong)
    with pytest.raises(ConfigError, match="BUDGET_IMAGES_PER_DAY"):
        AppConfig.from_env([], {"BUDGET_IMAGES_PER_DAY": "twenty"})
    with pytest.raises(ConfigError, match="APP_AUTH"):
        AppConfig.from_env([], {"APP_ADMINS": "ada"})


def test_the_day_is_the_utc_day_and_resets_at_midnight_utc():
    late = 1_764_806_399.0  # 2025-12-03 23:59:59 UTC
    assert utc_day(late) == "2025-12-03" and utc_day(late + 1) == "2025-12-04"
    assert reset_at(late) == late + 1 and reset_at(late + 1) == late + 1 + 24 * 3600


def test_a_journalled_run_reserves_its_n_and_then_counts_what_it_made(open_store, tmp_path):
    store = open_store(tmp_path / "h", budget=Budget(5))
    first = sending(n=3)
    run_id = store.save_run(first).id
    assert store.budget_left("anon:alice", QWEN).images_left == 2, "n reserved while it goes"

    with pytest.raises(OverBudget) as refused:
        store.save_run(sending(n=3))
    assert refused.value.left.images_left == 2 and refused.value.asked == 3
    assert store.count_runs("anon:alice") == 1, "a refused run is not recorded (nor sent)"

    store.save_run(answered(first, made=1, status="partial"), run_id)
    assert store.budget_left("anon:alice", QWEN).images_left == 4, "counts what it made"
    failed_id = store.save_run(sending(n=4)).id
    assert store.budget_left("anon:alice", QWEN).images_left == 0
    store.save_run(answered(sending(n=4), made=0, status="failed"), failed_id)
    assert store.budget_left("anon:alice", QWEN).images_left == 4, "a failed run stops counting"
    assert store.budget_left("anon:bob", QWEN).images_left == 5, "per person"


def test_a_model_cap_holds_beside_the_days_and_deleting_gives_nothing_back(open_store, tmp_path):
    store = open_store(tmp_path / "h", budget=Budget(6, ((WAN, 2),)))
    wan = store.save_run(sending(n=2, model=WAN)).id
    with pytest.raises(OverBudget) as refused:
        store.save_run(sending(n=1, model=WAN))
    left = refused.value.left
    assert left.by_model and left.limit == 2 and left.images_left == 0
    store.save_run(sending(n=4, model=QWEN))
    with pytest.raises(OverBudget) as refused:
        store.save_run(sending(n=1, model=QWEN))
    assert not refused.value.left.by_model and refused.value.left.limit == 6

    assert store.delete_run("anon:alice", wan)
    assert store.budget_left("anon:alice", WAN).images_left == 0, "deleting refunds nothing"


def test_a_run_of_another_day_does_not_count_today(open_store, tmp_path):
    store = open_store(tmp_path / "h", budget=Budget(2))
    store.save_run(sending(n=2))
    tomorrow = reset_at(time.time()) + 60
    assert store.budget_left("anon:alice", QWEN, now=tomorrow).images_left == 2
    assert store.budget_left("anon:alice", QWEN).images_left == 0


def test_the_days_use_per_person_and_model(open_store, tmp_path):
    store = open_store(tmp_path / "h")
    for owner, model, n in [("user:ada", WAN, 2), ("user:ada", QWEN, 1), ("anon:bob", QWEN, 3)]:
        store.save_run(sending(owner, n=n, model=model, owner_label=owner.partition(":")[2]))
    uses = [(use.owner, use.model, use.images, use.runs) for use in store.use_today()]
    assert uses == [("anon:bob", QWEN, 3, 1), ("user:ada", WAN, 2, 1), ("user:ada", QWEN, 1, 1)]
    store.save_run(new_run("user:ada"))  # a copy or import is not a run sent today
    assert len(store.use_today()) == 3


def test_writers_sending_at_once_on_two_stores_never_pass_the_budget(open_store, tmp_path):
    """Two stores on one database (two replicas; on SQLite two processes' connections), eight
    threads each, all reserving two images against a budget of 15 at the same moment."""
    stores = [open_store(tmp_path / "h", budget=Budget(15)) for _ in range(2)]
    start = threading.Barrier(16)
    outcomes: list[str] = []

    def send(store) -> None:
        start.wait()
        try:
            store.save_run(sending(n=2))
            outcomes.append("sent")
        except OverBudget:
            outcomes.append("refused")

    threads = [threading.Thread(target=send, args=(stores[i % 2],)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("sent") == 7 and outcomes.count("refused") == 9
    assert stores[0].budget_left("anon:alice", QWEN).used == 14
    assert stores[1].count_runs("anon:alice") == 7
