"""`make verify`: check the runtime and every generated schema with MCP tools we did not write."""
