"""Links to one run (issue 14.3) at the store, on every backend: only the owner makes, lists and
revokes them; anyone with a live token sees the run; a revoke, a delete or a cap ends them."""

import pytest

from history.store import COPY_NOTE
from tests.history.support import image_bytes, new_run


def test_a_link_shows_the_run_to_anyone_until_its_owner_revokes_it(store):
    run_id = store.save_run(new_run("anon:alice", prompt="a lighthouse at dusk")).id
    token = store.share_run("anon:alice", run_id)
    assert len(token) >= 32 and token.replace("-", "").replace("_", "").isalnum()
    assert store.share_run("anon:alice", run_id) != token  # each link its own

    shown = store.run_by_share(token)
    assert shown.id == run_id and shown.prompt == "a lighthouse at dusk"
    assert [p.read_bytes() for p in shown.output_paths] == [image_bytes(2)]
    assert token in [share.token for share in store.shares_of("anon:alice", run_id)]

    assert store.revoke_share("anon:mallory", token) is False
    assert store.run_by_share(token) is not None, "a stranger cannot end Alice's link"
    assert store.revoke_share("anon:alice", token) is True
    assert store.run_by_share(token) is None and not store.share_is_live(token)
    assert token not in [share.token for share in store.shares_of("anon:alice", run_id)]
    assert store.revoke_share("anon:alice", token) is False
    assert store.get_run("anon:alice", run_id) is not None, "the run itself stays"


def test_only_the_owner_can_share_or_see_the_links_in_either_scope(store):
    run_id = store.save_run(new_run("anon:alice")).id
    store.share_run("anon:alice", run_id)
    assert store.share_run("anon:mallory", run_id) is None
    assert store.share_run("anon:alice", "0" * 33) is None
    assert store.shares_of("anon:mallory", run_id) == []
    assert len(store.shares_of("anon:alice", run_id)) == 1


def test_deleting_a_run_ends_its_links_and_only_its_own(store):
    gone = store.save_run(new_run("anon:alice", prompt="to delete")).id
    kept = store.save_run(
        new_run("anon:alice", prompt="to keep", output_images=[image_bytes(5)])
    ).id
    links = [store.share_run("anon:alice", gone) for _ in range(2)]
    kept_link = store.share_run("anon:alice", kept)

    assert store.delete_run("anon:alice", gone)
    assert [store.run_by_share(token) for token in links] == [None, None]
    assert store.shares_of("anon:alice", gone) == []
    assert store.run_by_share(kept_link).prompt == "to keep"


def test_a_run_evicted_by_a_cap_takes_its_links_with_it(open_store, tmp_path):
    store = open_store(tmp_path / "h", max_runs=1)
    first = store.save_run(new_run("anon:alice", prompt="oldest")).id
    token = store.share_run("anon:alice", first)
    store.save_run(new_run("anon:alice", prompt="newest"))
    assert store.get_run("anon:alice", first) is None
    assert store.run_by_share(token) is None


@pytest.mark.parametrize("token", ["", "short", "x" * 5000, "' OR 1=1 --", "a/b" * 12, None])
def test_a_malformed_token_finds_nothing(store, token):
    store.share_run("anon:alice", store.save_run(new_run("anon:alice")).id)
    assert store.run_by_share(token) is None
    assert store.revoke_share("anon:alice", token) is False


def test_a_copy_through_a_link_is_the_visitors_own_and_outlives_the_link(store):
    original = store.save_run(
        new_run("anon:alice", prompt="a copied lighthouse", negative_prompt="fog", n=2,
                output_images=[image_bytes(2), image_bytes(3)], revised_prompts=["r1", "r2"])
    ).id  # fmt: skip
    token = store.share_run("anon:alice", original)
    shown = store.run_by_share(token)

    copy = store.save_copy(shown, "anon:bob")
    assert [run.id for run in store.list_runs("anon:bob")] == [copy.id]
    mine = store.get_run("anon:bob", copy.id)
    assert mine == copy, "the copy comes back as it was saved"
    assert mine.params == shown.params and mine.revised_prompts == ["r1", "r2"]
    assert [p.read_bytes() for p in mine.output_paths] == [image_bytes(2), image_bytes(3)]
    assert mine.notes == [COPY_NOTE]
    carols = store.save_copy(mine, "anon:carol")
    assert [run.id for run in store.list_runs("anon:carol")] == [carols.id]
    assert store.get_run("anon:carol", carols.id).notes == carols.notes == [COPY_NOTE]

    assert store.shares_of("anon:bob", copy.id) == [], "the copy is not shared by Alice's link"
    assert store.delete_run("anon:alice", original)
    assert store.run_by_share(token) is None
    kept = store.get_run("anon:bob", copy.id)
    assert [p.read_bytes() for p in kept.output_paths] == [image_bytes(2), image_bytes(3)]
