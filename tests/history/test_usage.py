"""Images made, as the history counts them: results returned (a failed run made none, a partial
run what came back), per model and per owner, on every backend."""

from history import HistoryStore
from tests.history.support import image_bytes, new_run

QWEN, WAN = "qwen-image-2.0-pro", "wan2.7-image-pro"


def results(count: int, first: int = 10) -> list[bytes]:
    return [image_bytes(first + index) for index in range(count)]


def test_usage_counts_the_results_each_run_returned_per_model(store: HistoryStore):
    store.save_run(new_run(model=QWEN, n=2, output_images=results(2)))
    store.save_run(new_run(model=QWEN, n=4, output_images=results(3), status="partial"))
    store.save_run(new_run(model=WAN, n=2, output_images=[], status="failed", error="blocked"))
    store.save_run(new_run(model=WAN, n=1, output_images=results(1, first=30)))

    usage = store.usage("anon:alice")

    assert usage.runs == 4
    assert dict(usage.images_by_model) == {QWEN: 5, WAN: 1}
    assert usage.images == 6


def test_the_same_picture_returned_twice_counts_twice(store: HistoryStore):
    """Two results with equal bytes are stored once, but were billed twice."""
    same = image_bytes(5)
    store.save_run(new_run(n=2, output_images=[same, same]))
    assert store.usage("anon:alice").images == 2


def test_another_owners_runs_never_count_but_the_shared_scope_sums_everyone(store):
    store.save_run(new_run("anon:alice", output_images=results(2)))
    store.save_run(new_run("anon:bob", model=WAN, output_images=results(3)))

    assert (store.usage("anon:alice").runs, store.usage("anon:alice").images) == (1, 2)
    assert dict(store.usage("anon:bob").images_by_model) == {WAN: 3}
    assert store.usage("anon:carol").images == 0 and store.usage("anon:carol").runs == 0
    assert (store.usage(None).runs, store.usage(None).images) == (2, 5)


def test_a_deleted_run_leaves_the_history_usage(store: HistoryStore):
    kept = store.save_run(new_run(output_images=results(1))).id
    gone = store.save_run(new_run(output_images=results(2, first=40))).id
    assert store.delete_run("anon:alice", gone)
    assert store.usage("anon:alice").images == 1
    assert store.get_run("anon:alice", kept) is not None
