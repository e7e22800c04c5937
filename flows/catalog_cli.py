"""`synthgate catalog build | serve | token | expire` and `synthgate withdraw`: the catalog for its readers.

Exit codes of every command here: 0 done; 2 bad input (no such folder, dataset or version, a bad
date, port, name or reason, a version already withdrawn: nothing changed); 3 an unexpected failure
(a file that cannot be written, an audit trail that cannot be appended to: the line says what is
done and what to run). A site rebuild that fails after a withdrawal is one warning line, not a
failure: the withdrawal stands and ``synthgate catalog build`` rebuilds the site.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from synthgate.flows.errors import InputError, SynthgateError

catalog_app = typer.Typer(name="catalog", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                          help="The catalog for its readers: static site, Croissant, catalog.json, download server, "
                          "access tokens, retention.")
token_app = typer.Typer(name="token", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                        help="Bearer tokens for restricted datasets (only their hashes are stored).")
catalog_app.add_typer(token_app)
out = Console()
err = Console(stderr=True)

CatalogArg = typer.Argument(..., help="The catalog folder (output.catalog in the spec).")
CatalogOpt = typer.Option(..., "--catalog", help="The catalog folder (output.catalog in the spec).")


def add_commands(app: typer.Typer) -> None:
    """Register `catalog ...` and `withdraw` on the main app."""
    app.add_typer(catalog_app)
    app.command("withdraw")(withdraw)


def _fail(exc: SynthgateError) -> None:
    from synthgate.flows.cli import fail

    fail(exc)


def _say(line: str, *, stderr: bool = False) -> None:
    (err if stderr else out).print(line, markup=False, highlight=False, soft_wrap=True)


def _catalog_dir(path: Path) -> Path:
    if not path.is_dir():
        _fail(InputError(f"{path} is not a folder; give the catalog folder (output.catalog in the spec)"))
    return path


def _by(by: Optional[str], fallback: str | None) -> str:
    """--by, else $USER, else the fallback; one line and exit 2 when none is a valid name."""
    from synthgate.catalog.withdraw import NAME

    name = by or os.environ.get("USER") or fallback
    if name is None:
        _fail(InputError("--by is needed: $USER is not set; give who withdraws (a name of 1-64 letters, digits, "
                         "'.', '_', '@' or '-')"))
    if not NAME.match(name):
        _fail(InputError(f"--by {name!r} is not a name: 1-64 letters, digits, '.', '_', '@' or '-'"))
    return name


def _audit(catalog_dir: Path, tombstone, dataset: str, version: str) -> str:
    """Append the withdrawal to CATALOG/audit.jsonl when the catalog keeps one; the words for the summary line."""
    from synthgate import catalog
    from synthgate.flows import audit

    if not catalog.audit_path(catalog_dir).is_file():
        return "no audit trail in this catalog"
    try:
        entry = audit.withdrawn(catalog_dir, dataset=dataset, version=version, by=tombstone.by,
                                reason=tombstone.reason, kind=tombstone.kind, withdrawn_at=tombstone.at,
                                files_removed=len(tombstone.removed))
    except SynthgateError as exc:
        _fail(SynthgateError(f"{dataset} {version} is withdrawn (tombstone written, files removed), but the audit "
                             f"trail was not appended: {exc}"))
    return f"audit event #{entry['seq']}"


def _rebuild(catalog_dir: Path, dataset: str, version: str) -> str:
    """Rebuild the catalog's own site when it has one; a failure is one warning line (the change stands)."""
    from synthgate.flows import catalog_site

    if not catalog_site.has_site(catalog_dir):
        return "no site to rebuild"
    try:
        built = catalog_site.build(catalog_dir)
    except Exception as exc:  # the withdrawal is done: say so, and how to rebuild
        _say("warning: " + catalog_site.failure_line("site_failed", dataset, version, None, exc), stderr=True)
        return "site NOT rebuilt"
    return f"site rebuilt ({Path(built.out) / catalog_site.INDEX})"


@catalog_app.command("build")
def build(
    catalog: Path = CatalogArg,
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Where to write the site. Default: the catalog "
                                           "folder itself (index.html beside the datasets)."),
) -> None:
    """Write the static site: index.html, a page per dataset, catalog.json and each version's croissant.json.

    Exit codes: 0 written; 2 no catalog folder, an unreadable manifest, or --out is a file; 3 a page cannot be written.
    """
    from synthgate import catalog as catalog_pkg
    from synthgate.flows import catalog_site

    root = _catalog_dir(catalog)
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        _fail(InputError(f"--out {out_dir} is a file; give a folder for the site"))
    try:
        built = catalog_site.build(root, out_dir)
    except catalog_pkg.CatalogError as exc:  # a page that cannot be written is no bad input
        _fail(SynthgateError(str(exc)) if isinstance(exc.__cause__, OSError) else InputError(str(exc)))
    except OSError as exc:
        _fail(SynthgateError(f"the site could not be written: {exc.strerror} ({exc.filename})"))
    _say(f"ok: site of {root} written to {built.out}: {len(built.pages)} page(s), {len(built.files)} file(s); "
         f"open {Path(built.out) / catalog_site.INDEX}")


@catalog_app.command("serve")
def serve(
    catalog: Path = CatalogArg,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", help="TCP port (1-65535)."),
) -> None:
    """Serve the catalog read-only over HTTP (GET/HEAD, ETag, Range; restricted datasets need a token).

    Exit codes: 0 stopped (Ctrl-C); 2 no catalog folder or a bad port; 3 the server could not start.
    """
    root = _catalog_dir(catalog)
    if not 1 <= port <= 65535:
        _fail(InputError(f"--port {port} is not a TCP port; give 1-65535"))
    if not host.strip():
        _fail(InputError("--host is empty; give an address such as 127.0.0.1"))
    _can_listen(host, port)
    from synthgate.catalog.server import serve as serve_catalog

    shown = f"[{host}]" if ":" in host else host
    _say(f"serving {root} read-only at http://{shown}:{port}/ (Ctrl-C stops)")
    from synthgate import catalog as catalog_pkg

    try:
        serve_catalog(root, host, port)
    except catalog_pkg.CatalogError as exc:
        _fail(InputError(str(exc)))
    except OSError as exc:
        _fail(SynthgateError(f"the server could not listen on {host}:{port}: {exc.strerror}"))
    except SystemExit as exc:  # uvicorn exits 1 when it cannot bind
        if exc.code not in (None, 0):
            _fail(SynthgateError(f"the server could not start on {host}:{port} (see the line above)"))


def _can_listen(host: str, port: int) -> None:
    """One line before uvicorn starts: an address that does not resolve (2), a port already taken (3)."""
    import socket

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError):
        _fail(InputError(f"--host {host!r} is not an address of this machine; give e.g. 127.0.0.1 or 0.0.0.0"))
    try:
        with socket.create_server((host, port), family=family):  # SO_REUSEADDR, as uvicorn binds
            pass
    except OSError as exc:
        _fail(SynthgateError(f"cannot listen on {host}:{port}: "
                             f"{os.strerror(exc.errno) if exc.errno else type(exc).__name__}"))


@token_app.command("add")
def token_add(
    name: str = typer.Argument(..., help="Who the token is for (a name; shown in `token list` and the access log)."),
    dataset: Optional[List[str]] = typer.Option(None, "--dataset", help="A restricted dataset the token opens; "
                                                "repeatable. Default: every restricted dataset."),
    catalog: Path = CatalogOpt,
) -> None:
    """Create a token and print it once: only its sha256 is stored (CATALOG/.access/tokens.json).

    Exit codes: 0 created; 2 no catalog folder, a bad or taken name, an unknown dataset.
    """
    from synthgate import catalog as catalog_pkg
    from synthgate.catalog.tokens import add_token

    root = _catalog_dir(catalog)
    try:
        token = add_token(root, name, list(dataset) if dataset else None)
    except catalog_pkg.CatalogError as exc:
        _fail(InputError(str(exc)))
    scope = ", ".join(dataset) if dataset else "every restricted dataset"
    _say(token)
    _say(f"token for {name} ({scope}): shown only now, it is not stored (only its sha256 is); send it as "
         "'Authorization: Bearer TOKEN'; revoke with: synthgate catalog token revoke " + name + f" --catalog {root}",
         stderr=True)


@token_app.command("revoke")
def token_revoke(name: str = typer.Argument(..., help="The token's name."), catalog: Path = CatalogOpt) -> None:
    """Revoke a token: from now on it opens nothing.

    Exit codes: 0 revoked; 2 no catalog folder or no such token.
    """
    from synthgate import catalog as catalog_pkg
    from synthgate.catalog.tokens import revoke_token

    root = _catalog_dir(catalog)
    try:
        revoke_token(root, name)
    except catalog_pkg.CatalogError as exc:
        _fail(InputError(str(exc)))
    _say(f"revoked: {name}")


@token_app.command("list")
def token_list(catalog: Path = CatalogOpt) -> None:
    """List the tokens: name, datasets, when created or revoked (never a token or its hash).

    Exit codes: 0 listed; 2 no catalog folder or an unreadable token file.
    """
    from synthgate import catalog as catalog_pkg
    from synthgate.catalog.tokens import list_tokens

    root = _catalog_dir(catalog)
    try:
        tokens = list_tokens(root)
    except catalog_pkg.CatalogError as exc:
        _fail(InputError(str(exc)))
    if not tokens:
        _say("no tokens")
    for entry in tokens:  # list_tokens gives no hash; nothing else is printed either
        datasets = entry.get("datasets")
        state = f"revoked {entry['revoked_at']}" if entry.get("revoked_at") else "active"
        _say(f"{entry.get('name')}  {state}  created {entry.get('created_at')}  opens "
             f"{', '.join(datasets) if datasets else 'every restricted dataset'}")


@catalog_app.command("expire")
def expire(
    catalog: Path = CatalogArg,
    today: Optional[str] = typer.Option(None, "--today", help="The date to compare with (YYYY-MM-DD). Default: "
                                        "today (local time)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who expires them. Default: $USER, else 'synthgate'."),
) -> None:
    """Withdraw every version whose dataset.retention.until is before today (kind: expired).

    Each is recorded in audit.jsonl when the catalog keeps one, and the site is rebuilt when it has one.
    Exit codes: 0 done (also when nothing expired); 2 no catalog folder or a bad date; 3 a file or the
    audit trail could not be written.
    """
    from synthgate import catalog as catalog_pkg
    from synthgate.catalog.withdraw import expired, withdraw as withdraw_version

    root = _catalog_dir(catalog)
    day = _date(today)
    name = _by(by, "synthgate")
    try:
        due = expired(catalog_pkg.scan(root), day)
    except catalog_pkg.CatalogError as exc:
        _fail(InputError(str(exc)))
    if not due:
        _say(f"nothing expired: no version's retention ended before {day.isoformat()}")
        return
    for version in due:
        try:
            tombstone = withdraw_version(root, version.dataset, version.version, by=name, kind="expired",
                                            reason=f"retention period ended on {version.retention_until.isoformat()}")
        except catalog_pkg.CatalogError as exc:
            _fail(SynthgateError(f"{version.dataset} {version.version} could not be expired: {exc}"))
        audited = _audit(root, tombstone, version.dataset, version.version)
        _say(f"expired: {version.dataset} {version.version} (retention until {version.retention_until.isoformat()}); "
             f"{len(tombstone.removed)} file(s) removed; {audited}")
    _say(_rebuild(root, due[-1].dataset, due[-1].version))


def _date(text: Optional[str]) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(InputError(f"--today {text!r} is not a date; give YYYY-MM-DD, e.g. 2028-12-31"))


def withdraw(
    dataset: str = typer.Argument(..., help="The dataset's name."),
    version: str = typer.Argument(..., help="The published version to withdraw."),
    reason: str = typer.Option(..., "--reason", help="Why, in words (1-500 characters, one line); shown on the "
                               "catalog page and in the audit trail: no data value."),
    catalog: Optional[Path] = typer.Option(None, "--catalog", help="The catalog folder."),
    spec: Optional[Path] = typer.Option(None, "--spec", help="A release spec whose output.catalog is the catalog."),
    by: Optional[str] = typer.Option(None, "--by", help="Who withdraws it. Default: $USER."),
) -> None:
    """Withdraw a published version for good: a tombstone, its files deleted, never republished.

    WITHDRAWN.json (reason, time, who) is written first, then every file but manifest.json is deleted;
    the event goes to audit.jsonl when the catalog keeps one; the site is rebuilt when the catalog has one.

    Exit codes: 0 withdrawn; 2 bad input or already withdrawn (nothing changed); 3 withdrawn, but a
    file could not be deleted (run it again to finish) or the audit trail could not be appended to.
    """
    from synthgate import catalog as catalog_pkg
    from synthgate.catalog.withdraw import WithdrawalIncomplete, withdraw as withdraw_version

    if (catalog is None) == (spec is None):
        _fail(InputError("give the catalog as exactly one of --catalog CATALOG or --spec SPEC"))
    if spec is not None:
        from synthgate.flows.spec import load_spec

        try:
            catalog = load_spec(spec).catalog_dir
        except SynthgateError as exc:
            _fail(exc)
    root = _catalog_dir(Path(catalog))
    name = _by(by, None)
    try:
        tombstone = withdraw_version(root, dataset, version, reason=reason, by=name)
    except WithdrawalIncomplete as exc:
        _fail(SynthgateError(f"{exc}"))
    except catalog_pkg.CatalogError as exc:
        _fail(InputError(str(exc)))
    audited = _audit(root, tombstone, dataset, version)
    _say(f"withdrawn: {dataset} {version} by {tombstone.by} at {tombstone.at}; {len(tombstone.removed)} file(s) "
         f"removed, manifest.json and WITHDRAWN.json kept; {audited}; {_rebuild(root, dataset, version)}")
