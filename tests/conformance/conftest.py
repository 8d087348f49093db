"""The compiled fixture under generated/ is a served build, not tests: its dispatch modules are
named after the suite's tools (test_*.py) and import the `generated` package of this folder, which
only the runtime puts on the path (`--generated tests/conformance/generated`)."""

collect_ignore = ["generated"]
