"""deploy / deployments / undeploy refuse bad input with one line and exit 2, before touching any server."""
from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from synthgate.flows.cli import app
from synthgate.flows.errors import SpecError
from synthgate.flows.spec import load_spec

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _one_line(result, *fragments):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.mark.parametrize("command", [("deploy", "SPEC"), ("deployments",), ("undeploy", "covid-testing")])
def test_no_prefect_api_url_is_one_line(small_release, monkeypatch, command):
    # Setup
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    args = [str(small_release()) if part == "SPEC" else part for part in command]

    # Run
    result = _run(*args)

    # Assert
    _one_line(result, "PREFECT_API_URL is not set", "prefect server start")


@pytest.mark.parametrize("command", [("deploy", "SPEC"), ("deployments",), ("undeploy", "covid-testing")])
def test_unreachable_server_is_one_line(small_release, monkeypatch, command):
    # Setup
    url = f"http://127.0.0.1:{_closed_port()}/api"
    monkeypatch.setenv("PREFECT_API_URL", url)
    args = [str(small_release()) if part == "SPEC" else part for part in command]

    # Run
    result = _run(*args)

    # Assert
    _one_line(result, f"the Prefect server at PREFECT_API_URL={url} is not reachable (ConnectError)")


def test_api_url_that_is_not_http_is_one_line(monkeypatch):
    # Setup
    monkeypatch.setenv("PREFECT_API_URL", "localhost:4200")

    # Run
    result = _run("deployments")

    # Assert
    _one_line(result, "PREFECT_API_URL=localhost:4200 is not an http(s) URL")


@pytest.mark.parametrize(("flags", "fragments"), [
    (["--cron", "0 3 1 *"], ["--cron: '0 3 1 *' is not a cron expression", "five fields"]),
    (["--cron", "0 0 3 1 * *"], ["--cron: '0 0 3 1 * *' is not a cron expression"]),
    (["--cron", "H 3 * * *"], ["--cron: 'H 3 * * *' is not a cron expression"]),
    (["--cron", "61 3 * * *"], ["--cron: '61 3 * * *' is not a cron expression"]),
    (["--cron", "0 3 1 * *", "--timezone", "Seoul"], ["--timezone: 'Seoul' is not an IANA timezone name",
                                                      "Asia/Seoul"]),
    (["--timezone", "Asia/Seoul"], ["--timezone needs a schedule"]),
])
def test_bad_schedule_flags_are_one_line_before_any_server(small_release, monkeypatch, flags, fragments):
    # Setup: no server at all; the schedule is checked first
    monkeypatch.delenv("PREFECT_API_URL", raising=False)

    # Run
    result = _run("deploy", str(small_release()), *flags)

    # Assert
    _one_line(result, *fragments)


def test_bad_spec_schedule_is_one_line(small_release, monkeypatch):
    # Setup
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    spec = small_release(**{"schedule": {"cron": "0 3 1 * *", "timezone": "Mars/Olympus"}})

    # Run
    result = _run("deploy", str(spec))

    # Assert
    _one_line(result, "schedule.timezone: 'Mars/Olympus' is not an IANA timezone name")


@pytest.mark.parametrize(("schedule", "expected"), [
    ({"cron": "0 3 1 * *", "timezone": "Asia/Seoul"}, ("0 3 1 * *", "Asia/Seoul")),
    ({"cron": "  0  3 1 * * "}, ("0 3 1 * *", "UTC")),
    ({"cron": "@monthly"}, ("@monthly", "UTC")),
])
def test_spec_schedule_is_read(small_release, schedule, expected):
    # Setup
    spec = small_release(**{"schedule": schedule})

    # Run
    loaded = load_spec(spec)

    # Assert
    assert (loaded.spec.schedule.cron, loaded.spec.schedule.timezone) == expected


@pytest.mark.parametrize(("schedule", "fragment"), [
    ({"cron": "every month"}, "schedule.cron: 'every month' is not a cron expression"),
    ({"timezone": "UTC"}, "schedule.cron: Field required"),
    ({"cron": "0 3 1 * *", "tz": "UTC"}, "schedule: unknown key 'tz'; allowed: cron, timezone"),
])
def test_bad_spec_schedule_names_the_key(small_release, schedule, fragment):
    # Setup
    spec = small_release(**{"schedule": schedule})

    # Run
    with pytest.raises(SpecError) as caught:
        load_spec(spec)

    # Assert
    assert fragment in str(caught.value)
    assert "Value error" not in str(caught.value)
