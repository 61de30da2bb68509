"""The web playground's page: app.py is its table of contents, core/ what its features share,
and one package per feature (editor, history, regions, comparison, share, usage), each with its
parts, handlers and wiring side by side.

The editor and History are hosts: they lend slots where a guest's panel goes and hooks
(core/page.py) to act on them, so features never import each other. Everything under core/ but
events.py, page.py and api_inputs.py is plain Python, testable without a page. Runs are stored by
the history package; requests are built by the client package.
"""
