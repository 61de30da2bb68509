"""The version tree of an opened run, drawn as HTML: root at the top, branches side by side,
each run a small picture with its prompt, the opened one marked, a deleted run a dashed gap.

Plain functions of a history Tree; the pictures go through the picture gate (a relative address,
so the page works under any path prefix), and every text is escaped: prompts are visitors' words.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

from history import Tree, TreeNode
from ui.core.texts import text_in

PROMPT_CHARS = 60
"""How much of a prompt a node shows (the whole prompt is its tooltip)."""
NODES_KEPT = 8192
"""Runs kept drawn (node_html): a few trees of hundreds of runs, a few MB at most."""


def tree_html(
    tree: Tree, opened: str, picture_of: Callable[[str], str], language: str = "en"
) -> str:
    """The whole tree, `opened` marked; `picture_of(run_id)` names a run's thumbnail."""
    draw = _Drawing(tree, opened, picture_of, language)
    tops = tree.children(None)
    items = [draw.branch(node) for node in tops if not node.parent]
    gaps = dict.fromkeys(node.parent for node in tops if node.parent)
    deleted = html.escape(text_in(language, "tree_gap"))
    for gap in gaps:  # runs whose parent was deleted hang from a marked gap
        below = "".join(draw.branch(node) for node in tops if node.parent == gap)
        items.append(f'<li><div class="tree-gap">{deleted}</div><ul>{below}</ul></li>')
    title = html.escape(text_in(language, "tree_title"))
    note = html.escape(text_in(language, "tree_note", runs=len(tree.nodes)))
    return (
        f'<div class="run-tree" data-root="{html.escape(tree.root)}"><p class="tree-title">'
        f"<b>{title}</b> · {note}</p><ul>{''.join(items)}</ul></div>"
    )


class _Drawing:
    """One drawing of a tree: its words looked up once, each run drawn once."""

    def __init__(
        self, tree: Tree, opened: str, picture_of: Callable[[str], str], language: str
    ) -> None:
        self.tree, self.opened, self.picture_of = tree, opened, picture_of
        self.current = html.escape(text_in(language, "tree_opened"))

    def branch(self, node: TreeNode) -> str:
        """A run and, under it, every run that continues it (iteratively: a thread of a
        thousand turns is not a thousand nested calls)."""
        parts: list[str] = []
        stack: list[TreeNode | str] = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                parts.append(item)
                continue
            children = self.tree.children(item.id)
            parts.append(f"<li>{self.node(item)}")
            stack.append("</ul></li>" if children else "</li>")
            if children:
                stack.extend(reversed(children))
                stack.append("<ul>")
        return "".join(parts)

    def node(self, node: TreeNode) -> str:
        """One run: its picture, its prompt cut short, its model and seed, its branch's label."""
        current = self.current if node.id == self.opened else None
        return node_html(node, self.picture_of(node.id), current)


@functools.lru_cache(maxsize=NODES_KEPT)
def node_html(node: TreeNode, picture: str, current: str | None) -> str:
    """One run drawn (`current`: the opened run's tooltip); kept, as a run's row rarely changes
    and a tree is drawn again at every open: escaping its hundreds of prompts was most of it."""
    prompt = node.prompt
    short = prompt if len(prompt) <= PROMPT_CHARS else prompt[:PROMPT_CHARS] + "…"
    which = f"#{node.result_index} → " if node.result_index and node.result_index > 1 else ""
    marks = "tree-node"
    if node.status not in ("ok", "partial"):
        marks += " tree-failed"
    opened = ""
    if current is not None:
        marks += " opened"
        opened = f' aria-current="true" title="{current}"'
    label = node.branch_label
    label = f'<span class="tree-label">{html.escape(label)}</span>' if label else ""
    seed = "" if node.seed is None else f" · {node.seed}"
    return (
        f'<button type="button" class="{marks}" data-run="{node.id}"{opened}>'
        f'<img src="gradio_api/file={html.escape(picture)}" alt=""'
        f' loading="lazy"><span class="tree-prompt" title="{html.escape(prompt)}">'
        f"{html.escape(which + short)}</span>"
        f"<small>{html.escape(node.model)}{seed}</small>{label}</button>"
    )


NODE_CLICK_JS = """
element.addEventListener('click', (event) => {
  const node = event.target.closest('[data-run]');
  if (node) trigger('click', {run: node.dataset.run});
});
"""
"""A click on a run of the tree names it to the server (one event, no per-node component)."""


def thread_html(
    line: list[TreeNode], picture_of: Callable[[str], str], language: str = "en"
) -> str:
    """The turns that led to the editor's input 1, oldest first, the newest marked as the one
    the next run continues; each turn a button that goes back to it."""
    title = html.escape(text_in(language, "thread_title"))
    note = html.escape(text_in(language, "thread_note"))
    turns = []
    for number, node in enumerate(line, start=1):
        prompt = node.prompt if len(node.prompt) <= PROMPT_CHARS else node.prompt[:PROMPT_CHARS]
        current = " opened" if number == len(line) else ""
        turns.append(
            f'<li><button type="button" class="tree-node{current}" data-run="{node.id}">'
            f'<img src="gradio_api/file={html.escape(picture_of(node.id))}" alt="" loading="lazy">'
            f'<span class="tree-prompt" title="{html.escape(node.prompt)}">'
            f"{number}. {html.escape(prompt)}</span></button></li>"
        )
    return (
        f'<div class="run-thread"><p class="tree-title"><b>{title}</b> · {note}</p>'
        f"<ol>{''.join(turns)}</ol></div>"
    )
