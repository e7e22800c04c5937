"""The static catalog site: an index of datasets and one page per dataset, in Korean and English.

``build_site(root, out)`` reads the catalog with :func:`scan` and writes, atomically,
``out/index.html``, ``out/catalog.json`` (DCAT-style, :func:`catalog_index`),
``out/<dataset>/index.html`` and ``out/<dataset>/<version>/croissant.json`` (:func:`croissant`).
Every page is one self-contained HTML file: inline CSS and script, no font, image or request
outside the site; the index's search and filters are a small inline script and the full list is
shown without it. Links to release files are relative (``os.path.relpath``) from the page to the
catalog, so the site works from ``file://`` and from any static host, also when ``out`` is not
the catalog folder.

Nothing here reads a data row: the pages show what the manifest, evaluation.json and
validation.json already show in the release report (gate figures, counts, column names, kinds and
null shares), never a category value or a minimum/maximum of real data.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from synthgate.catalog.errors import CatalogError
from synthgate.catalog.model import Catalog, Dataset, Version, scan

TEMPLATES = Path(__file__).resolve().parent / "templates"
INDEX_PAGE = "index.html"       # out/index.html, and out/<dataset>/index.html
CATALOG_JSON = "catalog.json"   # out/catalog.json
CROISSANT_FILE = "croissant.json"  # out/<dataset>/<version>/croissant.json
# The files the site writes at the top of its folder; per dataset it writes INDEX_PAGE, per version CROISSANT_FILE.
SITE_FILES = (INDEX_PAGE, CATALOG_JSON)
PLACEHOLDER_HOST = "https://HOST"  # the snippets' base URL; the page's script puts its own origin there when served


@dataclass(frozen=True)
class SiteBuild:
    """What one build wrote: the folder, its HTML pages, and every file (pages, catalog.json, croissant.json)."""

    out: Path
    pages: list[Path] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def site_files(cat: Catalog) -> list[str]:
    """Every file a build writes for ``cat``, relative to the site folder (POSIX separators)."""
    names = list(SITE_FILES)
    for ds in cat.datasets:
        names.append(f"{ds.name}/{INDEX_PAGE}")
        names.extend(f"{ds.name}/{v.version}/{CROISSANT_FILE}" for v in ds.versions)
    return names


def is_site_file(relpath: str) -> bool:
    """Whether a path relative to the catalog folder is one the site build writes (not a release file)."""
    parts = relpath.strip("/").split("/")
    return (len(parts) == 1 and parts[0] in SITE_FILES) or (len(parts) == 2 and parts[1] == INDEX_PAGE) or (
        len(parts) == 3 and parts[2] == CROISSANT_FILE)


# --- words ---------------------------------------------------------------------------------------------

def _t(en: str, ko: str) -> dict:
    return {"en": en, "ko": ko}


VERDICTS = {
    "pass": _t("✓ pass", "✓ 통과"), "fail": _t("✗ fail", "✗ 실패"),
    "inconclusive": _t("? inconclusive", "? 판정 불가"), "accepted": _t("? inconclusive, accepted", "? 판정 불가 (허용됨)"),
    "unmeasured": _t("✗ not measured", "✗ 측정 안 됨"),
}
RELEASE_VERDICTS = {
    "pass": _t("gates passed", "게이트 통과"), "fail": _t("gates failed", "게이트 실패"),
    "withdrawn": _t("withdrawn", "철회됨"), "expired": _t("expired (retention)", "보존 기간 만료"),
}
ACTIONS = {
    "keep": _t("kept as they were", "원래대로 유지"), "drop": _t("removed", "삭제"),
    "pseudonymise": _t("replaced by keyed pseudonyms", "키 기반 가명으로 대체"),
    "surrogate": _t("replaced by format-preserving surrogates", "형식 보존 대체값으로 대체"),
    "generalise": _t("generalised (made coarser)", "일반화 (범주화)"),
    "date_shift": _t("date-shifted per person", "사람별 날짜 이동"),
    "redact_text": _t("text redacted (names, places, numbers)", "텍스트 비식별화 (이름·장소·숫자)"),
    "suppress": _t("suppressed", "억제"),
}
METRICS = {
    "raw_copy_share": _t("Real rows copied by the generator", "생성기가 복제한 실제 행"),
    "exact_matches": _t("Published rows that copy a real row", "실제 행과 동일한 공개 행"),
    "rare_value_share": _t("Rare real values carried over", "희귀 실제 값 전이"),
    "reproduced_record_excess": _t("One person's combination of values repeated", "개인의 값 조합 재현"),
    "close_records_share": _t("Rows suspiciously close to real rows", "실제 행에 지나치게 가까운 행"),
    "dcr_share": _t("Closer to training than to holdout (DCR share)", "학습 데이터에 더 가까운 비율 (DCR)"),
    "nndr_ratio": _t("Rows shadowing single real records (NNDR ratio)", "단일 실제 레코드 근접 (NNDR 비)"),
    "mia_auc": _t("Membership-inference attack (AUC)", "멤버십 추론 공격 (AUC)"),
    "singling_out_risk": _t("Singling-out risk", "특정(singling-out) 위험"),
    "linkability_risk": _t("Linkability risk", "연결 가능성 위험"),
    "inference_risk": _t("Attribute-inference risk", "속성 추론 위험"),
    "quality_score": _t("Fidelity (quality score)", "충실도 (품질 점수)"),
    "c2st": _t("Classifier two-sample test (C2ST)", "분류기 2표본 검정 (C2ST)"),
    "column_pair_trends": _t("Column pair trends", "열 쌍 경향"),
    "column_shapes": _t("Column shapes", "열 분포"),
    "utility_ratio": _t("Usefulness for training models (utility ratio)", "모델 학습 유용성 (효용 비율)"),
}
HEADLINE = {  # the headline tiles' short names, in the order shown
    "quality_score": _t("fidelity (1 = perfect)", "충실도 (1 = 완전 일치)"),
    "c2st": _t("C2ST (1 = indistinguishable)", "C2ST (1 = 구별 불가)"),
    "column_pair_trends": _t("column pair trends", "열 쌍 경향"),
    "utility_ratio": _t("utility ratio", "효용 비율"),
    "dcr_share": _t("DCR share (0.5 = no memorising)", "DCR 비율 (0.5 = 암기 없음)"),
    "exact_matches": _t("exact copies of real rows", "실제 행의 정확한 복제"),
}
KINDS = {
    "numerical": _t("numerical", "수치형"), "categorical": _t("categorical", "범주형"), "boolean": _t("boolean", "불리언"),
    "datetime": _t("date/time", "날짜/시간"), "id": _t("identifier", "식별자"), "text": _t("text", "텍스트"),
}
REVIEW = {"approved": _t("approved", "승인"), "pending": _t("pending", "심의 중"), "rejected": _t("rejected", "반려")}
ACCESS = {"public": _t("public", "공개"), "restricted": _t("restricted", "제한")}


# --- small formatters ----------------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _num(value: Any) -> str:
    """A figure as the report shows it: whole numbers with separators, others to 3 significant digits."""
    if not _is_number(value):
        return "—"
    if abs(value) < 1e-12:  # float noise of an interval's end (8.6e-19) reads as what it is
        return "0"
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 1:
        return f"{int(value):,}"
    return f"{value:.3g}" if abs(value) >= 0.001 or value == 0 else f"{value:.2e}"


def _sci(value: Any) -> str:
    return f"{value:.0e}".replace("e-0", "e-") if _is_number(value) and value and abs(value) < 0.001 else _num(value)


def _share(value: Any) -> str:
    return f"{value * 100:.1f}%" if _is_number(value) else "—"


def _bytes(value: Any) -> str:
    if not _is_number(value):
        return "—"
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{int(value)} B"


def _day(iso: str) -> str:
    """The date part of an ISO timestamp ('' when there is none)."""
    return str(iso or "")[:10]


def _url(path: str) -> str:
    """A relative POSIX path as a URL path (each segment percent-encoded)."""
    return "/".join(quote(part) for part in path.split("/"))


def _rel(target: Path, start: Path) -> str:
    """``target`` relative to the folder ``start``, as a URL path."""
    return _url(Path(os.path.relpath(target, start)).as_posix())


# --- context -------------------------------------------------------------------------------------------

def _verdict_key(gate: Mapping) -> str:
    given = gate.get("verdict")
    if given not in ("pass", "fail", "inconclusive", "unmeasured"):
        given = "pass" if gate.get("passed") is True else "unmeasured" if gate.get("value") is None else "fail"
    if given == "pass" and gate.get("passed") is not True:
        given = "fail"
    return "accepted" if given == "inconclusive" and gate.get("accepted") is True else given


def _gates(v: Version) -> list[dict]:
    """Each publish gate: name (both languages), measured figure, bound, verdict. Figures only."""
    rows = []
    for gate in v.gates():
        metric = str(gate.get("metric") or "")
        title = str(gate.get("title") or metric.replace("_", " ") or "—")
        key = _verdict_key(gate)
        op = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}.get(str(gate.get("operator")), str(gate.get("operator") or ""))
        low, high = gate.get("low"), gate.get("high")
        rows.append({
            "metric": metric, "name": _t(title, (METRICS.get(metric) or {}).get("ko") or title), "title": title,
            "value": _num(gate.get("value")) if gate.get("value") is not None else "—",
            "interval": f"{_num(low)} – {_num(high)}" if _is_number(low) and _is_number(high) else "",
            "bound": f"{op} {_num(gate.get('bound'))}".strip(), "verdict": key, "word": VERDICTS[key],
        })
    return rows


def _headline(v: Version, gates: list[dict]) -> dict:
    head = v.headline()
    bound = {g["metric"]: g for g in gates}
    tiles = []
    for key, names in HEADLINE.items():
        value = head.get(key)
        if value is None:
            continue
        gate = bound.get(key)
        tiles.append({"key": key, "name": names, "value": _num(value),
                      "bound": gate["bound"] if gate else "", "verdict": gate["verdict"] if gate else None,
                      "word": gate["word"] if gate else None})
    return {"verdict": head.get("verdict"), "gates": head.get("gates"), "passed": head.get("gates_passed"),
            "failed": head.get("gates_failed"), "inconclusive": head.get("gates_inconclusive"), "tiles": tiles}


def _release_verdict(v: Version) -> str:
    if v.tombstone is not None:
        return v.tombstone.kind if v.tombstone.kind in RELEASE_VERDICTS else "withdrawn"
    verdict = v.headline().get("verdict")
    return str(verdict) if verdict else "—"


def _verdict_words(key: str) -> dict:
    return RELEASE_VERDICTS.get(key) or _t(key, key)


def _protection(v: Version) -> dict:
    """What was done to protect people, from the manifest: counts, names and settings, never a value."""
    manifest = v.manifest
    privacy = manifest.get("privacy") if isinstance(manifest.get("privacy"), dict) else {}
    plan = privacy.get("plan") if isinstance(privacy.get("plan"), dict) else {}
    outcomes = [o for o in privacy.get("columns") or [] if isinstance(o, dict)]
    actions: dict[str, list[str]] = {}
    for outcome in outcomes:
        actions.setdefault(str(outcome.get("action") or "—"), []).append(str(outcome.get("column")))
    for name, step in plan.items():
        if isinstance(step, dict) and not any(str(o.get("column")) == str(name) for o in outcomes):
            actions.setdefault(str(step.get("action") or "—"), []).append(str(name))
    order = list(ACTIONS)
    action_rows = [{"action": a, "words": ACTIONS.get(a) or _t(a, a), "columns": cols, "count": len(cols)}
                   for a, cols in sorted(actions.items(), key=lambda item: (item[0] == "keep",
                                                                           order.index(item[0]) if item[0] in order else 99))]
    risk = privacy.get("risk") if isinstance(privacy.get("risk"), dict) else {}
    k_anon = None
    if risk:
        before = risk.get("before") if isinstance(risk.get("before"), dict) else {}
        after = risk.get("after") if isinstance(risk.get("after"), dict) else {}
        threshold = risk.get("threshold") if isinstance(risk.get("threshold"), dict) else {}
        qis = risk.get("quasi_identifiers") or after.get("quasi_identifiers") or before.get("quasi_identifiers") or []
        k_anon = {"quasi_identifiers": [str(q) for q in qis], "target": _num(threshold.get("k")),
                  "k_before": _num(before.get("k")), "k_after": _num(after.get("k")),
                  "unique_before": _share(before.get("unique_share")), "unique_after": _share(after.get("unique_share")),
                  "met": risk.get("met") is True,
                  "steps": len([s for s in risk.get("steps") or [] if isinstance(s, dict)])}
    generator = manifest.get("generator") if isinstance(manifest.get("generator"), dict) else {}
    rows = manifest.get("rows") if isinstance(manifest.get("rows"), dict) else {}
    dp = v.dp
    review = manifest.get("review") if isinstance(manifest.get("review"), dict) else {}
    return {
        "actions": action_rows,
        "date_shift": _num((privacy.get("date_shift") or {}).get("max_days")) if isinstance(
            privacy.get("date_shift"), dict) and privacy.get("date_shift") else None,
        "excluded_text": [str(c) for c in privacy.get("excluded_text_columns") or []],
        "k_anonymity": k_anon,
        "generator": v.generator_kind or "—",
        "discarded_copies": _num(rows.get("discarded_copies")) if _is_number(rows.get("discarded_copies"))
        and rows["discarded_copies"] > 0 else None,
        "dp": {"epsilon": _num(dp.get("epsilon_spent", dp.get("epsilon"))), "delta": _sci(dp.get("delta"))} if dp else None,
        "review": (REVIEW.get(str(review.get("status"))) or _t(str(review.get("status")), str(review.get("status"))))
        if review.get("required") and review.get("status") else None,
    }


def _citation(v: Version, ds: Dataset) -> dict:
    card = v.card
    year = _day(v.created_at)[:4] or "n.d."
    publisher = card.get("publisher") or ""
    key = f"{ds.name}-{v.version}".replace(".", "_")
    fields = [("title", f"{v.title} (version {v.version})"), ("author", publisher), ("publisher", publisher),
              ("year", year), ("version", v.version), ("note", f"Synthetic data. Licence: {v.licence or 'not stated'}")]
    bibtex = "@misc{" + key + ",\n" + ",\n".join(
        f"  {name} = {{{value}}}" for name, value in fields if value) + "\n}"
    plain = card.get("citation") or (
        f"{publisher + '. ' if publisher else ''}({year}). {v.title}, version {v.version} [synthetic dataset]. "
        f"Licence {v.licence or 'not stated'}.")
    return {"bibtex": bibtex, "plain": str(plain)}


def _snippets(path: str, access: str) -> list[dict]:
    """Copy-paste code for pandas, Polars, DuckDB and HF datasets; ``path`` is relative to the catalog.

    A restricted file needs ``Authorization: Bearer TOKEN``: pandas sends ``storage_options`` as HTTP
    headers and DuckDB has an http secret for it; Polars' HTTP reader sends no custom header and HF
    ``datasets`` passes none to a plain URL, so those two read the bytes through urllib or pandas.
    """
    url = f"{PLACEHOLDER_HOST}/{path}"
    local = f"CATALOG/{path}"
    if access != "restricted":
        return [
            {"tool": "pandas", "code": f'import pandas as pd\n\ndf = pd.read_parquet("{url}")\n'
                                       f'# from a copy of the catalog folder: pd.read_parquet("{local}")'},
            {"tool": "Polars", "code": f'import polars as pl\n\ndf = pl.read_parquet("{url}")\n'
                                       f'# from a copy of the catalog folder: pl.read_parquet("{local}")'},
            {"tool": "DuckDB", "code": f"INSTALL httpfs; LOAD httpfs;\nSELECT * FROM read_parquet('{url}') LIMIT 10;"},
            {"tool": "HF datasets", "code": f'from datasets import load_dataset\n\n'
                                            f'ds = load_dataset("parquet", data_files="{url}")["train"]'},
        ]
    header = '{"Authorization": "Bearer TOKEN"}'
    return [
        {"tool": "pandas", "code": f'import pandas as pd\n\ndf = pd.read_parquet(\n    "{url}",\n'
                                   f'    storage_options={header},\n)'},
        {"tool": "Polars", "code": f'import io\nimport urllib.request\n\nimport polars as pl\n\n'
                                   f'request = urllib.request.Request(\n    "{url}",\n    headers={header},\n)\n'
                                   f'with urllib.request.urlopen(request) as response:\n'
                                   f'    df = pl.read_parquet(io.BytesIO(response.read()))'},
        {"tool": "DuckDB", "code": f"INSTALL httpfs; LOAD httpfs;\nCREATE SECRET (TYPE http, BEARER_TOKEN 'TOKEN');\n"
                                   f"SELECT * FROM read_parquet('{url}') LIMIT 10;"},
        {"tool": "HF datasets", "code": f'import pandas as pd\nfrom datasets import Dataset\n\n'
                                        f'ds = Dataset.from_pandas(pd.read_parquet(\n    "{url}",\n'
                                        f'    storage_options={header},\n))'},
    ]


def _version_context(v: Version, ds: Dataset, cat: Catalog, page_dir: Path, out: Path, today: date) -> dict:
    folder = cat.root / ds.name / v.version
    files, data_docs = [], {"count": 0, "bytes": 0, "href": None}
    for name, facts in v.files.items():
        if name.startswith("data_docs/"):
            data_docs["count"] += 1
            data_docs["bytes"] += facts.get("bytes") if _is_number(facts.get("bytes")) else 0
            if name == "data_docs/index.html":
                data_docs["href"] = _rel(folder / name, page_dir)
            continue
        files.append({"name": name, "href": _rel(folder / name, page_dir), "bytes": _bytes(facts.get("bytes")),
                      "sha256": str(facts.get("sha256") or "—")})
    tomb = v.tombstone
    until = v.retention_until
    links = []
    if not v.withdrawn:
        if "report.html" in v.files:
            links.append({"label": _t("report", "보고서"), "href": _rel(folder / "report.html", page_dir)})
        if data_docs["href"]:
            links.append({"label": _t("Data Docs", "Data Docs"), "href": data_docs["href"]})
        if (folder / "manifest.json").is_file():
            links.append({"label": _t("manifest", "매니페스트"), "href": _rel(folder / "manifest.json", page_dir)})
    links.append({"label": _t("Croissant", "Croissant"),
                  "href": _rel(out / ds.name / v.version / CROISSANT_FILE, page_dir)})
    verdict = _release_verdict(v)
    return {
        "version": v.version, "id": "v-" + v.version, "created": _day(v.created_at), "created_at": v.created_at,
        "verdict": verdict, "verdict_words": _verdict_words(verdict), "withdrawn": v.withdrawn,
        "tombstone": {"reason": tomb.reason, "at": tomb.at, "by": tomb.by, "kind": tomb.kind} if tomb else None,
        "files": files, "links": links,
        "data_docs": {**data_docs, "bytes": _bytes(data_docs["bytes"])} if data_docs["count"] else None,
        "rows": _num(v.rows), "access": v.access,
        "retention": until.isoformat() if until else None,
        "retention_passed": bool(until and until < today and not v.withdrawn),
    }


def _dataset_context(ds: Dataset, cat: Catalog, out: Path, today: date) -> dict:
    from synthgate.catalog.croissant import croissant

    page_dir = out / ds.name
    latest = ds.latest
    versions = [_version_context(v, ds, cat, page_dir, out, today) for v in reversed(ds.versions)]
    gates = _gates(latest)
    card = latest.card
    schema = [{"name": c.name, "kind": KINDS.get(str(c.kind)) or _t(str(c.kind or "—"), str(c.kind or "—")),
               "description": c.description, "type": c.type or "—", "null_share": _share(c.null_share)}
              for c in latest.schema()]
    data_path = f"{ds.name}/{latest.version}/{latest.data_file}" if latest.data_file else None
    jsonld = croissant(latest, content_base=_content_base(cat.root / ds.name / latest.version, page_dir),
                       url=INDEX_PAGE)
    dp = latest.dp
    verdict = _release_verdict(latest)
    return {
        "name": ds.name, "title": ds.title, "description": ds.description, "domain": ds.domain or "—",
        "licence": ds.licence or "—", "access": ds.access, "access_words": ACCESS.get(ds.access, _t(ds.access, ds.access)),
        "modified": _day(ds.modified), "latest": latest.version, "latest_withdrawn": latest.withdrawn,
        "all_withdrawn": ds.withdrawn, "verdict": verdict, "verdict_words": _verdict_words(verdict),
        "card": {"audience": card.get("audience") or "", "intended_uses": [str(u) for u in card["intended_uses"]],
                 "prohibited_uses": [str(u) for u in card["prohibited_uses"]],
                 "publisher": card.get("publisher") or "", "contact": card.get("contact") or "",
                 "keywords": [str(k) for k in card["keywords"]]},
        "protection": _protection(latest), "gates": gates, "headline": _headline(latest, gates),
        "schema": schema, "versions": versions,
        "dp": {"epsilon": _num(dp.get("epsilon_spent", dp.get("epsilon"))), "delta": _sci(dp.get("delta"))} if dp else None,
        "citation": _citation(latest, ds),
        "snippets": _snippets(_url(data_path), ds.access) if data_path else [],
        "data_path": data_path, "rows": _num(latest.rows),
        "retention": latest.retention_until.isoformat() if latest.retention_until else None,
        "retention_passed": bool(latest.retention_until and latest.retention_until < today and not latest.withdrawn),
        "jsonld": _script_json(jsonld),
        "home": _rel(out / INDEX_PAGE, page_dir),
        "catalog_json": _rel(out / CATALOG_JSON, page_dir),
    }


def _row_context(ds: Dataset) -> dict:
    latest = ds.latest
    verdict = _release_verdict(latest)
    withdrawn = [v.version for v in ds.versions if v.withdrawn]
    search = " ".join([ds.name, ds.title, ds.description, ds.domain, ds.licence, *ds.card["keywords"]]).lower()
    return {
        "name": ds.name, "title": ds.title, "description": ds.description, "domain": ds.domain or "—",
        "licence": ds.licence or "—", "dp": latest.dp is not None,
        "epsilon": _num((latest.dp or {}).get("epsilon_spent", (latest.dp or {}).get("epsilon"))),
        "access": ds.access, "access_words": ACCESS.get(ds.access, _t(ds.access, ds.access)),
        "modified": _day(ds.modified), "latest": latest.version, "verdict": verdict,
        "verdict_words": _verdict_words(verdict), "withdrawn": withdrawn, "all_withdrawn": ds.withdrawn,
        "versions": len(ds.versions), "href": f"{_url(ds.name)}/{INDEX_PAGE}", "search": " ".join(search.split()),
    }


def _index_context(cat: Catalog, today: date) -> dict:
    rows = [_row_context(ds) for ds in cat.datasets]
    since = [(_t("last 30 days", "최근 30일"), today - timedelta(days=30)),
             (_t("last 12 months", "최근 12개월"), today - timedelta(days=365))]
    return {
        "rows": rows,
        "domains": sorted({r["domain"] for r in rows}), "licences": sorted({r["licence"] for r in rows}),
        "since": [{"value": cut.isoformat(), "label": label} for label, cut in since],
        "catalog_json": CATALOG_JSON,
    }


def _content_base(version_dir: Path, from_dir: Path) -> str:
    """The relative URL prefix from ``from_dir`` to a version's files ('' when they sit together)."""
    rel = _rel(version_dir, from_dir)
    return "" if rel == "." else rel.rstrip("/") + "/"


def _script_json(data: Any) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' (so no '</script>' in a title can end the block)."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- rendering and writing -----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _environment():
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["jsonld"] = lambda text: Markup(text)  # already made safe by _script_json
    return env


def _render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def _write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (temporary file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _now(now: datetime | None) -> datetime:
    now = now or datetime.now(timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=timezone.utc)


def build_site(root: Path, out: Path | None = None, *, now: datetime | None = None) -> SiteBuild:
    """Write the catalog site for the catalog folder ``root`` into ``out`` (default: ``root`` itself).

    Args:
        root: The catalog folder (``output.catalog`` of a spec).
        out: Where to write the site; links to release files are relative paths from there to ``root``.
        now: The build time (shown in the footer; decides whether a retention date has passed and the
            index's "updated within" choices). Default: the current UTC time.

    Returns:
        The folder, the HTML pages and every file written.

    Raises:
        CatalogError: ``root`` is not a folder, a manifest cannot be read, or ``out`` cannot be written (one line).
    """
    from synthgate.catalog.croissant import croissant
    from synthgate.catalog.dcat import catalog_index

    cat = scan(Path(root))
    out = Path(out) if out is not None else cat.root
    stamp = _now(now)
    today = stamp.date()
    built = stamp.strftime("%Y-%m-%d %H:%M UTC")
    pages: list[Path] = []
    files: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for ds in cat.datasets:
            for v in ds.versions:
                target_dir = out / ds.name / v.version
                document = croissant(v, content_base=_content_base(cat.root / ds.name / v.version, target_dir))
                files.append(_write(target_dir / CROISSANT_FILE,
                                    json.dumps(document, ensure_ascii=False, indent=2) + "\n"))
        index = catalog_index(
            cat,
            page_url=lambda ds: f"{_url(ds.name)}/{INDEX_PAGE}",
            file_url=lambda v, name: _rel(cat.root / v.dataset / v.version / name, out),
            croissant_url=lambda v: f"{_url(v.dataset)}/{_url(v.version)}/{CROISSANT_FILE}")
        files.append(_write(out / CATALOG_JSON, json.dumps(index, ensure_ascii=False, indent=2) + "\n"))
        for ds in cat.datasets:
            page = _write(out / ds.name / INDEX_PAGE,
                          _render("site_dataset.html", ds=_dataset_context(ds, cat, out, today), built=built))
            pages.append(page)
            files.append(page)
        page = _write(out / INDEX_PAGE, _render("site_index.html", index=_index_context(cat, today), built=built))
        pages.insert(0, page)
        files.append(page)
    except OSError as exc:
        raise CatalogError(f"cannot write the catalog site in {out}: {exc.strerror or type(exc).__name__}") from exc
    return SiteBuild(out=out, pages=pages, files=files)
