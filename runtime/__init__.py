"""toolc runtime: serve one client build over MCP."""
