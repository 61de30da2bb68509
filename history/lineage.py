"""Edit threads: where each run came from, and the tree of runs that grew from one first run.

A run may continue another (its parent) from one of the parent's results. Every run also
records the root of its tree (the first run of the thread, itself for a run that continues
none), copied from its parent when it is recorded, so a whole tree is one indexed read (the
`runs_by_root` index) however deep it grows, and a deleted run leaves a gap, not an orphan
cut off from its tree: its descendants keep their root and their parent's id.

Only a visitor's own runs are read (every owner's in the shared scope, owner None), as
everywhere in the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

LINEAGE = ("parent", "result_index", "root", "branch_label")
"""The columns that say where a run came from: set when it is recorded, never rewritten."""


@dataclass(frozen=True)
class Lineage:
    """Where a new run goes in its owner's trees: the run and result it continues (`parent`,
    `result_index`, 1-based); or, for a replay's first step, which continues nothing, the tree
    it `joins` as a branch of its own; and a `label` saying what a replayed branch changed."""

    parent: str | None = None
    result_index: int | None = None
    joins: str | None = None
    label: str | None = None

    @classmethod
    def parse(cls, text: str) -> Lineage:
        """`<run id>` (its first result) or `<run id>#<k>` (its k-th result, 1-based); raises
        ValueError for anything else."""
        run_id, _, index = text.strip().partition("#")
        if not run_id.isalnum() or (index and not index.isdigit()) or index == "0":
            raise ValueError(f"not a run id or <run id>#<k>: {text!r}")
        return cls(parent=run_id, result_index=int(index) if index else 1)


class TreeNode(NamedTuple):
    """One run of a tree, as the API's `/history_tree` gives it (a tuple: a tree of hundreds of
    runs is built at the speed of its rows)."""

    id: str
    parent: str | None
    result_index: int | None
    prompt: str
    model: str
    seed: int | None
    status: str
    created_at: float
    branch_label: str | None = None
    """What a replayed branch changed (its first step carries it)."""


@dataclass(frozen=True)
class Tree:
    """A tree of runs: its root's id (which may have been deleted) and its runs, oldest first."""

    root: str
    nodes: tuple[TreeNode, ...]
    _by_id: dict[str, TreeNode] = field(init=False, repr=False, compare=False)
    _children: dict[str | None, list[TreeNode]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {node.id: node for node in self.nodes}
        children: dict[str | None, list[TreeNode]] = {}
        for node in self.nodes:  # oldest first, so each run's children are too
            children.setdefault(node.parent if node.parent in by_id else None, []).append(node)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_children", children)

    def as_json(self) -> dict[str, Any]:
        return {"root": self.root, "nodes": [node._asdict() for node in self.nodes]}

    def node(self, run_id: str) -> TreeNode | None:
        return self._by_id.get(run_id)

    def children(self, run_id: str | None) -> list[TreeNode]:
        """The runs that continue `run_id`; with None, those whose parent is not in the tree
        (the root, and the runs whose parent was deleted: the gaps)."""
        return list(self._children.get(run_id, ()))

    def descendants(self, run_id: str) -> list[str]:
        """Every run that grew from `run_id`, nearest first."""
        found: list[str] = []
        frontier = [run_id]
        while frontier:
            frontier = [child.id for parent in frontier for child in self.children(parent)]
            found += frontier
        return found

    def line(self, run_id: str) -> list[TreeNode]:
        """The runs from the root (or the first run after a gap) down to `run_id`."""
        line: list[TreeNode] = []
        node = self._by_id.get(run_id)
        while node is not None:
            line.append(node)
            node = self._by_id.get(node.parent) if node.parent else None
        return line[::-1]


@dataclass(frozen=True, slots=True)
class TreeShape:
    """What a History entry says of its tree: how many runs it holds and how many branches
    (runs nothing continues yet)."""

    runs: int
    branches: int


TREE_COLUMNS = ", ".join(TreeNode._fields)


def place(db: Any, row: dict[str, Any], joins: str | None) -> None:
    """Sets the root of a run about to be inserted: its parent's (or the root of the run it
    `joins`), when that is one of the same owner's runs; otherwise the run starts a tree of its
    own (a parent deleted meanwhile stays named: a gap)."""
    near = row["parent"] or joins
    if not near:
        return
    found = db.execute(
        "SELECT root FROM runs WHERE id = ? AND owner = ?", (near, row["owner"])
    ).fetchone()
    if found is not None:
        row["root"] = found[0]


def read_tree(db: Any, owner: str | None, run_id: str) -> Tree | None:
    """The tree `run_id` belongs to, with only the runs `owner` may see; None for a run they
    may not see."""
    mine, values = ("", ()) if owner is None else (" AND owner = ?", (owner,))
    found = db.execute(f"SELECT root FROM runs WHERE id = ?{mine}", (run_id, *values))
    found = found.fetchone()
    if found is None:
        return None
    root = found[0]
    rows = db.tuples(
        f"SELECT {TREE_COLUMNS} FROM runs WHERE root = ?{mine} ORDER BY id", (root, *values)
    ).fetchall()
    return Tree(root, tuple(TreeNode(*row) for row in rows))


def read_shapes(db: Any, owner: str | None, roots: Sequence[str]) -> dict[str, TreeShape]:
    """The shape of each tree among `roots` (one grouped read for a page of History)."""
    if not roots:
        return {}
    unique = sorted(set(roots))
    mine, values = ("", ()) if owner is None else (" AND owner = ?", (owner,))
    marks = ", ".join("?" * len(unique))
    rows = db.tuples(
        "SELECT root, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM runs c"
        " WHERE c.root = r.root AND c.parent = r.id) THEN 0 ELSE 1 END)"
        f" FROM runs r WHERE root IN ({marks}){mine} GROUP BY root",
        (*unique, *values),
    ).fetchall()
    return {root: TreeShape(count, leaves) for root, count, leaves in rows}
