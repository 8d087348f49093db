"""Handlers of the batch tests' catalog."""
