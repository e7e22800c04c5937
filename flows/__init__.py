"""Orchestration: the release spec, workspace, Prefect tasks and flow, publishing and the CLI.

Prefect is imported only by tasks.py and release.py, which the CLI loads after it has set
PREFECT_HOME and the other environment variables (settings.configure).
"""
