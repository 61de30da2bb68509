"""The web playground: Gradio page, its handlers, and the history of past runs.

Only `layout.py`, `editor_events.py` and `history_tab.py` import gradio; the rest (configuration,
backend choice, runs, history store, owner identity) is plain Python, testable without a page.
"""
