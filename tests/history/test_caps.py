"""The history caps: per visitor (runs, bytes), a whole-store disk guard, and never the run just
saved. Each test is a scenario of issue 11 replayed on a real database."""

import threading

from history import HistoryStore
from tests.history.support import image_bytes, new_run, noise_bytes


def save(store: HistoryStore, owner: str, seed: int, side: int = 16) -> str:
    """A run of `owner` with its own input and result, about 2 * 3 * side² bytes of images."""
    result = noise_bytes(seed + 10_000, side)
    images = {"input_images": [noise_bytes(seed, side)], "output_images": [result]}
    return store.save_run(new_run(owner, prompt=f"run {seed}", **images)).id


def ids(store: HistoryStore, owner: str) -> list[str]:
    """`owner`'s runs, oldest first."""
    return [run.id for run in reversed(store.list_runs(owner, limit=1000))]


def files_exist(store: HistoryStore, owner: str, run_id: str) -> bool:
    detail = store.get_run(owner, run_id)
    return detail is not None and all(
        path.is_file() for path in detail.input_paths + detail.output_paths
    )


def test_a_run_larger_than_the_byte_cap_is_kept_and_only_its_owners_older_runs_go(
    open_store, tmp_path
):
    store = open_store(tmp_path / "h", max_bytes=300_000)
    alice_old = [save(store, "anon:alice", seed) for seed in (1, 2)]
    bob = [save(store, "anon:bob", seed) for seed in (3, 4)]

    big = save(store, "anon:alice", 5, side=300)  # about 540 kB: alone over the cap

    assert ids(store, "anon:alice") == [big], "the older runs went, the new one stayed"
    assert files_exist(store, "anon:alice", big), "its images are there to show and keep"
    assert ids(store, "anon:bob") == bob
    assert all(files_exist(store, "anon:bob", run_id) for run_id in bob)
    assert all(store.get_run(None, run_id) is None for run_id in alice_old)
    assert store.owner_bytes("anon:alice") > 300_000
    store.close()


def test_the_byte_cap_counts_each_owners_own_images(open_store, tmp_path):
    one_run = 2 * len(noise_bytes(1, 16))
    store = open_store(tmp_path / "h", max_bytes=int(one_run * 2.5))
    bob = [save(store, "anon:bob", seed) for seed in (100, 101)]
    alice = [save(store, "anon:alice", seed) for seed in range(1, 6)]
    assert ids(store, "anon:alice") == alice[-2:]
    assert ids(store, "anon:bob") == bob
    assert store.owner_bytes("anon:alice") <= one_run * 2.5


def test_an_image_two_owners_share_counts_for_both(open_store, tmp_path):
    store = open_store(tmp_path / "h")
    shared = noise_bytes(7, 40)
    for owner, seed in (("anon:alice", 1), ("anon:bob", 2)):
        own = noise_bytes(seed, 16)
        store.save_run(new_run(owner, input_images=[shared], output_images=[own]))
    assert store.owner_bytes("anon:alice") == len(shared) + len(noise_bytes(1, 16))
    assert store.owner_bytes("anon:bob") == len(shared) + len(noise_bytes(2, 16))
    assert store.total_bytes() == len(shared) + len(noise_bytes(1, 16)) + len(noise_bytes(2, 16))


def test_ten_runs_of_one_visitor_leave_another_visitors_five_alone(open_store, tmp_path):
    store = open_store(tmp_path / "h", max_runs=10)
    bob = [save(store, "anon:bob", seed) for seed in range(100, 105)]
    alice = [save(store, "anon:alice", seed) for seed in range(1, 11)]
    assert ids(store, "anon:bob") == bob and ids(store, "anon:alice") == alice

    newest = save(store, "anon:alice", 11)
    assert ids(store, "anon:alice") == [*alice[1:], newest], "only alice's own oldest went"
    assert ids(store, "anon:bob") == bob
    store.close()


def test_the_disk_guard_takes_the_largest_visitors_oldest_run_first(open_store, tmp_path):
    store = open_store(tmp_path / "h")
    alice = [save(store, "anon:alice", seed, side=40) for seed in (1, 2, 3)]  # ~9.6 kB each
    bob = [save(store, "anon:bob", seed, side=16) for seed in (4, 5)]  # ~1.5 kB each
    cap = store.total_bytes()
    store.close()

    store = open_store(tmp_path / "h", max_total_bytes=cap)
    carol = save(store, "anon:carol", 6, side=16)  # over by ~1.5 kB: one of alice's runs fixes it
    assert ids(store, "anon:alice") == alice[1:]
    assert ids(store, "anon:bob") == bob and ids(store, "anon:carol") == [carol]
    assert store.total_bytes() <= cap

    huge = save(store, "anon:carol", 7, side=150)  # alone over the whole cap
    assert ids(store, "anon:carol") == [huge] and files_exist(store, "anon:carol", huge)
    assert ids(store, "anon:alice") == [] and ids(store, "anon:bob") == []
    store.close()


def test_the_disk_guard_spares_a_smaller_visitor_while_the_largest_can_give(open_store, tmp_path):
    store = open_store(tmp_path / "h")
    bob = save(store, "anon:bob", 5, side=30)  # the oldest run of all, but bob uses less
    alice = [save(store, "anon:alice", seed, side=40) for seed in (1, 2, 3, 4)]
    cap = store.total_bytes()
    store.close()

    store = open_store(tmp_path / "h", max_total_bytes=cap)
    save(store, "anon:carol", 6, side=45)  # needs about two of alice's runs freed
    assert ids(store, "anon:bob") == [bob]
    assert ids(store, "anon:alice") == alice[2:]
    store.close()


def test_concurrent_savers_of_two_visitors_each_keep_their_newest(open_store, tmp_path):
    store = open_store(tmp_path / "h", max_runs=3)
    saved: dict[str, list[str]] = {"anon:alice": [], "anon:bob": []}
    lock = threading.Lock()

    def writer(owner: str, number: int) -> None:
        for i in range(3):
            result = image_bytes(1000 + number * 10 + i)
            run_id = store.save_run(new_run(owner, output_images=[result])).id
            with lock:
                saved[owner].append(run_id)

    threads = [
        threading.Thread(target=writer, args=(owner, n))
        for n, owner in enumerate(["anon:alice", "anon:bob"] * 4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for owner, run_ids in saved.items():
        assert ids(store, owner) == sorted(run_ids)[-3:]
    store.close()
