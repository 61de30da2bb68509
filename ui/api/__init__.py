"""The doors for code: the MCP tools an agent calls, and the API's outputs named in plain English.

The page's events stay where their features wire them; this package adds what only a program
sees (ui/api/wiring.py): the MCP server at /gradio_api/mcp/ (mcp.py, its tools in tools.py,
their pictures in images.py) and English labels in the API's description (english.py).
"""
