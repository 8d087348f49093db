"""Plain platform tools: code search, lint, test report analysis, memory."""
