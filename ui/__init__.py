"""The web playground's page: app (build + launch), layout, wiring, handlers, editor rules.

Gradio is imported by app, layout, wiring and the two *_events modules; the rest (configuration,
backend choice, runs, editor rules, owner identity) is plain Python, testable without a page.
Runs are stored by the history package.
"""
