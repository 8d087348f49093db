"""Upstream proxy handlers: operations served by a tool of another MCP server.

`lang` reads `upstreams:` and the `upstream` / `tool` / `set` keys for the rules and `lower`;
`live` is `toolc check --upstreams`, which connects to each upstream and compares its tools.
"""
