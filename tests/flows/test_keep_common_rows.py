"""sample.keep_common_rows lets check accept a table whose every possible row is a real one."""
from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from synthgate.flows.cli import app

runner = CliRunner()


def test_a_fully_covered_table_passes_check_when_common_rows_are_published(small_release):
    # Setup: one categorical column of two values, each held by 20 rows: every possible row is real
    pd.DataFrame({"sex": ["F", "M"] * 20}).to_csv(small_release.source, index=False)
    columns = {"sex": {"kind": "categorical", "action": "keep"}}

    # Run: the same spec without and with the rule (small_release rewrites one spec file)
    without = runner.invoke(app, ["check", str(small_release(columns=columns))], catch_exceptions=False)
    with_rule = runner.invoke(app, ["check", str(small_release(columns=columns, **{"sample.keep_common_rows": True}))],
                              catch_exceptions=False)

    # Assert: refused by default (each synthetic row would be a copy), accepted with the rule
    assert without.exit_code == 2 and "copy a real one" in without.stderr
    assert with_rule.exit_code == 0, with_rule.output
