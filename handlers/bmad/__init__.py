"""The BMAD master tools: tasks, plans, docs, workflows, HIL, git, orchestrator, packs."""
