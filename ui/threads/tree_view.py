"""The version tree of an opened run, drawn as HTML: root at the top, branches side by side,
each run a small picture with its prompt, the opened one marked, a deleted run a dashed gap.

Plain functions of a history Tree; the pictures go through the picture gate (a relative address,
so the page works under any path prefix), and every text is escaped: prompts are visitors' words.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from history import Tree, TreeNode
from ui.core.texts import text_in

PROMPT_CHARS = 60
"""How much of a prompt a node shows (the whole prompt is its tooltip)."""


def tree_html(
    tree: Tree, opened: str, picture_of: Callable[[str], str], language: str = "en"
) -> str:
    """The whole tree, `opened` marked; `picture_of(run_id)` names a run's thumbnail."""
    known = {node.id for node in tree.nodes}
    tops = tree.children(None)
    gaps = sorted({node.parent for node in tops if node.parent and node.parent not in known})
    items = [_branch(tree, node, opened, picture_of, language) for node in tops if not node.parent]
    for gap in gaps:  # runs whose parent was deleted hang from a marked gap
        below = [node for node in tops if node.parent == gap]
        children = "".join(_branch(tree, node, opened, picture_of, language) for node in below)
        deleted = html.escape(text_in(language, "tree_gap"))
        items.append(f'<li><div class="tree-gap">{deleted}</div><ul>{children}</ul></li>')
    title = html.escape(text_in(language, "tree_title"))
    note = html.escape(text_in(language, "tree_note", runs=len(tree.nodes)))
    return (
        f'<div class="run-tree" data-root="{html.escape(tree.root)}"><p class="tree-title">'
        f"<b>{title}</b> · {note}</p><ul>{''.join(items)}</ul></div>"
    )


def _branch(
    tree: Tree, node: TreeNode, opened: str, picture_of: Callable[[str], str], language: str
) -> str:
    children = "".join(
        _branch(tree, child, opened, picture_of, language) for child in tree.children(node.id)
    )
    below = f"<ul>{children}</ul>" if children else ""
    return f"<li>{_node(node, opened, picture_of, language)}{below}</li>"


def _node(node: TreeNode, opened: str, picture_of: Callable[[str], str], language: str) -> str:
    """One run: its picture, its prompt cut short, its model and seed, its branch's label."""
    prompt = node.prompt if len(node.prompt) <= PROMPT_CHARS else node.prompt[:PROMPT_CHARS] + "…"
    marks = ["tree-node"] + (["opened"] if node.id == opened else [])
    marks += [] if node.status in ("ok", "partial") else ["tree-failed"]
    which = f"#{node.result_index} → " if node.result_index and node.result_index > 1 else ""
    label = (
        f'<span class="tree-label">{html.escape(node.branch_label)}</span>'
        if node.branch_label
        else ""
    )
    seed = "" if node.seed is None else f" · {node.seed}"
    current = f' aria-current="true" title="{html.escape(text_in(language, "tree_opened"))}"'
    return (
        f'<button type="button" class="{" ".join(marks)}" data-run="{html.escape(node.id)}"'
        f"{current if node.id == opened else ''}>"
        f'<img src="gradio_api/file={html.escape(picture_of(node.id))}" alt="" loading="lazy">'
        f'<span class="tree-prompt" title="{html.escape(node.prompt)}">'
        f"{html.escape(which + prompt)}</span>"
        f"<small>{html.escape(node.model)}{seed}</small>{label}</button>"
    )


NODE_CLICK_JS = """
element.addEventListener('click', (event) => {
  const node = event.target.closest('[data-run]');
  if (node) trigger('click', {run: node.dataset.run});
});
"""
"""A click on a run of the tree names it to the server (one event, no per-node component)."""
