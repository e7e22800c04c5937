"""Release schedules: a cron expression in an IANA timezone, checked the way Prefect's server checks them."""
from __future__ import annotations

from datetime import datetime, timezone as dt_timezone

ALIASES = ("@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually")
CRON_ALLOWED = ("five fields 'minute hour day-of-month month day-of-week' (e.g. '0 3 1 * *' = 03:00 on the "
                "1st of every month) or one of " + ", ".join(ALIASES))


def check_cron(expression: str) -> str:
    """Return the expression stripped, or raise ValueError saying what a cron expression may be.

    Prefect's own croniter also takes a sixth (seconds) field and random/hashed fields (R, H); its
    server refuses the latter, and a release needs no seconds, so both are refused here first.
    """
    from prefect._vendor.croniter import croniter

    text = " ".join(str(expression).split())
    fields = text.split(" ")
    plain = text.lower() in ALIASES or len(fields) == 5
    hashed = any(field.casefold() in ("r", "h") or field.upper().startswith(("H(", "R(")) for field in fields)
    if not text or not plain or hashed or not croniter.is_valid(text):
        raise ValueError(f"{text!r} is not a cron expression; allowed: {CRON_ALLOWED}")
    return text


def check_timezone(name: str) -> str:
    """Return the IANA timezone name, or raise ValueError naming the allowed form."""
    import zoneinfo

    if name not in zoneinfo.available_timezones():
        raise ValueError(f"{name!r} is not an IANA timezone name; allowed: a tz database name such as "
                         "Asia/Seoul, UTC or Europe/Berlin")
    return name


def next_run(cron: str, timezone: str, after: datetime | None = None) -> datetime:
    """The next time the schedule fires after ``after`` (default now), in the schedule's timezone."""
    import zoneinfo

    from prefect._vendor.croniter import croniter

    zone = zoneinfo.ZoneInfo(timezone)
    start = (after or datetime.now(dt_timezone.utc)).astimezone(zone)
    return croniter(cron, start).get_next(datetime)
