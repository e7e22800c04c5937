"""The release spec: one YAML file per release, parsed and checked here and nowhere else."""
from __future__ import annotations

import codecs
import difflib
import hashlib
import re
import string
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from synthgate.flows.errors import SpecError

from synthgate import evaluation
from synthgate import generators
from synthgate import privacy

SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
VERSION = r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$"
# Names the catalog site writes beside the version folders of a dataset (CATALOG/<dataset>/index.html).
RESERVED_VERSIONS = ("index.html",)
ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class StrictModel(BaseModel):
    """A spec block: unknown keys are errors that name the key and the allowed ones."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = sorted(cls.model_fields)
            for key in data:
                if key not in cls.model_fields:
                    close = difflib.get_close_matches(str(key), allowed, n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    raise PydanticCustomError(
                        "unknown_key",
                        "unknown key '{key}'{hint}; allowed: {allowed}",
                        {"key": str(key), "hint": hint, "allowed": ", ".join(allowed)},
                    )
        return data


class Domain(str, Enum):
    HEALTHCARE = "healthcare"
    DEFENSE = "defense"
    OTHER = "other"


class ColumnKind(str, Enum):
    NUMERICAL = "numerical"
    CATEGORICAL = "categorical"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    ID = "id"
    TEXT = "text"


VERSION_AUTO = "auto"
VERSION_FIELDS = ("date", "run_date")
_SAMPLE_DATE = datetime(2026, 12, 31, 23, 59, 59)


def is_version_template(version: str) -> bool:
    """``auto`` or a text with ``{date:...}`` / ``{run_date:...}`` fields, resolved when a run starts."""
    return version == VERSION_AUTO or "{" in version or "}" in version


def render_version(template: str, *, date: datetime, run_date: datetime) -> str:
    """Fill a version template's date fields with strftime; ``auto`` is resolved by `flows.versions`."""
    values = {"date": date, "run_date": run_date}
    parts = []
    for literal, field, fmt, _ in string.Formatter().parse(template):
        parts.append(literal)
        if field is not None:
            parts.append(format(values[field], fmt))
    return "".join(parts)


def _check_version(value: str) -> str:
    """A plain version, ``auto``, or a template whose every field is a date with a strftime format."""
    if value == VERSION_AUTO:
        return value
    allowed = ("1-32 letters, digits, '.', '_', '+' or '-' starting with a letter or digit (e.g. 1.0.0); "
               "or a template such as {date:%Y.%m} or {run_date:%Y.%m.%d}; or auto")
    if not is_version_template(value):
        if not re.match(VERSION, value):
            _version_problem(f"{value!r} is not a version; allowed: {allowed}")
        _check_not_reserved(value)
        return value
    try:
        fields = [(f, fmt, conv) for _, f, fmt, conv in string.Formatter().parse(value) if f is not None]
    except ValueError as exc:
        _version_problem(f"{value!r} is not a version template ({exc}); allowed: {allowed}")
    for field, fmt, conversion in fields:
        if field not in VERSION_FIELDS or conversion is not None or "%" not in (fmt or ""):
            shown = field + (f"!{conversion}" if conversion else "") + (f":{fmt}" if fmt else "")
            _version_problem(f"{value!r}: the field {{{shown}}} is not allowed; a template field is {{date:FORMAT}} "
                             "or {run_date:FORMAT} with a strftime FORMAT such as %Y.%m")
    rendered = render_version(value, date=_SAMPLE_DATE, run_date=_SAMPLE_DATE)
    _check_not_reserved(rendered, value)
    if not re.match(VERSION, rendered):
        _version_problem(f"{value!r} makes versions such as {rendered!r}, which is not a version: 1-32 letters, "
                         "digits, '.', '_', '+' or '-' starting with a letter or digit")
    return value


def _check_not_reserved(version: str, written: str | None = None) -> None:
    if version.lower() in RESERVED_VERSIONS:
        _version_problem(f"{written or version!r} is a file name the catalog site uses "
                         f"({', '.join(RESERVED_VERSIONS)}); choose a version such as 1.0.0")


def _version_problem(problem: str) -> None:
    # The whole message as the one placeholder: a template's own braces stay as written.
    raise PydanticCustomError("version", "{problem}", {"problem": problem})


class RetentionSpec(StrictModel):
    until: date = Field(description="Last day the release may be downloaded (YYYY-MM-DD).")


DEFAULT_PROHIBITED_USES = (
    "Trying to re-identify any person, or to link rows to people or to other data about them.",
    "Decisions about individual people (care, eligibility, employment, insurance, security clearance).",
    "Presenting the rows as real records, or as measurements of real people.",
)


class CardSpec(StrictModel):
    """What the catalog page says about the dataset besides the title and description (spec: dataset.card)."""

    audience: str = Field(default="", max_length=1_000, description="Who the dataset is for.")
    intended_uses: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(default_factory=list, max_length=20)
    prohibited_uses: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=lambda: list(DEFAULT_PROHIBITED_USES), max_length=20,
        description="What the data must not be used for (default: re-identification, decisions about people, "
        "passing rows off as real).")
    publisher: str | None = Field(default=None, max_length=200, description="The releasing agency.")
    contact: str | None = Field(default=None, max_length=200, description="A role address for questions (not a person).")
    citation: str | None = Field(default=None, max_length=2_000, description="How to cite the dataset "
                                 "(default: built from publisher, title, version and year).")
    keywords: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(default_factory=list, max_length=30)


class DatasetSpec(StrictModel):
    name: str = Field(pattern=SLUG, description="Slug: lower-case letters, digits and hyphens.")
    version: str = Field(description="Release version, e.g. 1.0.0; or a template resolved when the run starts: "
                         "{date:%Y.%m} (the run's start), {run_date:%Y.%m.%d} (its scheduled time), or auto "
                         "(the next patch version after the catalog's latest of this dataset).")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    licence: str = Field(min_length=1, max_length=100, description="e.g. CC-BY-4.0 or KOGL-Type1.")
    domain: Domain
    access: Literal["public", "restricted"] = Field(
        default="public", description="restricted: the catalog lists the dataset, but its files need a bearer token "
        "(`synthgate catalog token add`).")
    retention: RetentionSpec | None = Field(
        default=None, description="How long the release stays downloadable; `synthgate catalog expire` withdraws it "
        "after `until`.")
    card: CardSpec = Field(default_factory=lambda: CardSpec(), description="The dataset card of the catalog page.")

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        return _check_version(value)


class SourceSpec(StrictModel):
    path: str = Field(min_length=1, description="A CSV or Parquet file, or a glob of them.")
    format: Literal["auto", "csv", "csv.gz", "parquet"] = "auto"
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = Field(default="utf-8", min_length=1, description="Text encoding of CSV files, e.g. utf-8, cp949, euc-kr.")
    rename: dict[int | str, str] = Field(
        default_factory=dict, max_length=10_000,
        description="Header position (1-based) or header -> the column name the release uses; the file is not edited.",
    )
    dedupe_headers: bool = Field(
        default=False, description="Name later duplicate headers name__2, name__3 and blank ones column_<position>.",
    )
    timezone: Literal["utc"] | None = Field(
        default=None, description="utc: read time-zone-aware timestamps (a UTC offset, or a Parquet timestamp with "
        "a time zone) as naive UTC; values without an offset are taken as UTC already. Unset: such a column is refused.",
    )

    @field_validator("rename")
    @classmethod
    def _renames_are_names(cls, value: dict[int | str, str]) -> dict[int | str, str]:
        for key, new in value.items():
            if isinstance(key, int) and key < 1:
                raise ValueError(f"position {key} is not a column; positions start at 1")
            if not new.strip():
                raise ValueError(f"the new name for {key!r} is blank")
        targets = list(value.values())
        repeated = sorted({t for t in targets if targets.count(t) > 1})
        if repeated:
            raise ValueError(f"{', '.join(map(repr, repeated))} is given to more than one column")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}; e.g. utf-8, utf-8-sig, cp949, euc-kr") from None
        return value


class ColumnSpec(StrictModel):
    kind: ColumnKind
    action: privacy.Action
    rule: privacy.GeneraliseRule | None = None
    surrogate: privacy.SurrogateConfig | None = None
    reviewed: bool = Field(default=False, description="A person reviewed the action `init` marked '# REVIEW:'.")
    description: str = Field(default="", max_length=1_000, description="What the column holds, for the catalog's "
                             "schema table (never a value from the data).")


TABLE_NAME = r"^[A-Za-z_][A-Za-z0-9_-]{0,62}$"


class TableColumnSpec(ColumnSpec):
    """A column of one of several tables: as a single table's, plus the key it may point at."""

    references: str | None = Field(default=None, min_length=3, description="TABLE.COLUMN: this column is a "
                                   "foreign key to that table's primary key (e.g. patients.id).")


class SequenceSpec(StrictModel):
    order_by: str = Field(min_length=1, description="The numerical or datetime column that orders one parent's "
                          "rows (ties keep their file order).")


class TableSpec(StrictModel):
    """One table of a multi-table spec (tables:): its source, columns, primary key and how orphans go."""

    source: SourceSpec
    columns: dict[str, TableColumnSpec] = Field(min_length=1)
    primary_key: str | None = Field(default=None, description="The column that identifies a row (unique, not null).")
    sequence: SequenceSpec | None = Field(default=None, description="The rows of one parent form a sequence.")
    orphans: Literal["drop", "keep"] = Field(default="drop", description="Rows whose key matches no parent row: "
                                             "drop (counted) or keep.")


class AdditionalInformationSpec(StrictModel):
    """Where the encrypted re-identification table goes, and the variable holding its key."""

    path: str = Field(min_length=1, description="A folder apart from the workspace and the catalog.")
    key_env: str = Field(default="SYNTHGATE_ADDITIONAL_INFORMATION_KEY", pattern=ENV_NAME)


class PrivacySpec(StrictModel):
    key_env: str = Field(default="SYNTHGATE_PSEUDONYM_KEY", pattern=ENV_NAME)
    key_secret_block: str | None = Field(
        default=None, description="Name of a Prefect Secret block holding the key (wins over key_env)."
    )
    text_language: Literal["en", "ko"] = "en"
    medical_record_patterns: list[str] = Field(
        default_factory=list, max_length=20,
        description="Regular expressions of this agency's medical record numbers, found in free text.",
    )
    date_shift: privacy.DateShift | None = None
    additional_information: AdditionalInformationSpec | None = None

    @field_validator("medical_record_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression ({exc.msg})") from None
            if compiled.fullmatch(""):
                raise ValueError(f"{pattern!r} matches the empty string")
        return patterns


class GeneratorSpec(StrictModel):
    kind: str = generators.DEFAULT_GENERATOR
    params: dict[str, Any] = Field(default_factory=dict)
    dp: dict[str, Any] | None = Field(
        default=None, description="Differential privacy {epsilon, delta, ...}; only kinds that support it."
    )
    device: Literal["auto", "cpu", "cuda"] = "auto"
    seed: int = Field(default=0, ge=0, lt=2**32)
    train_rows: int | None = Field(
        default=generators.DEFAULT_TRAIN_ROWS, ge=1_000, le=100_000_000,
        description="Most training rows the generator learns: a larger training table is learned from a seeded "
        "uniform sample of this many rows (null: every row). The summary and the manifest state both counts.")


class SampleSpec(StrictModel):
    rows: int = Field(ge=1, le=100_000_000)
    keep_common_rows: bool = Field(
        default=False, description="Publish synthetic rows that equal a combination at least k training rows share "
        "(k: risk.k, else value protection); only copies of rarer combinations are discarded. For tables of a few "
        "categorical columns, where every plausible row is some real row; set evaluation.thresholds."
        "exact_matches_max: null with it (the reproduced-record and rare-value gates still apply).")


class OutputSpec(StrictModel):
    catalog: str = Field(min_length=1)
    workspace: str = Field(min_length=1)


class ValidationSpec(StrictModel):
    null_rate_tolerance: float = Field(default=0.05, ge=0.0, le=1.0)


class EvaluationSpec(StrictModel):
    """The holdout, the utility target and the bounds every published figure must keep."""

    holdout: float = Field(default=0.2, gt=0.0, lt=1.0, description="Share of the pseudonymised rows kept out "
                           "of training: the control for every privacy figure and the test set for utility.")
    target: str | None = Field(default=None, description="A learned column the utility model predicts.")
    task: evaluation.Task = evaluation.Task.AUTO
    thresholds: evaluation.Thresholds = evaluation.Thresholds()
    secrets: list[str] | None = Field(default=None, description="Columns the inference attack targets (default: all).")
    linkability: tuple[list[str], list[str]] | None = Field(
        default=None, description="The two column sets the linkability attack joins (default: the columns split in two).")
    chart_min_count: int = Field(default=10, ge=1, le=10_000, description="Fewest real rows behind any chart bin.")
    pdf: bool = Field(default=True, description="Print report.pdf with headless Chromium (needs Debian's chromium).")
    holdout_by: str | None = Field(default=None, description="A column naming the person each row belongs to "
                                   "(a patient or service id): the holdout then takes whole people, so the "
                                   "privacy figures compare with people the generator never saw. Default: "
                                   "privacy.date_shift.subject when set, else rows are drawn one by one.")
    accept_inconclusive: list[str] = Field(
        default_factory=list, description="Gates whose inconclusive figures (intervals too wide to decide) may "
        f"pass; recorded in the manifest and the report. Allowed: {', '.join(evaluation.INTERVAL_GATES)}.")

    @field_validator("accept_inconclusive")
    @classmethod
    def _known_gates(cls, names: list[str]) -> list[str]:
        unknown = [name for name in names if name not in evaluation.INTERVAL_GATES]
        if unknown:
            raise ValueError(f"{', '.join(map(repr, unknown))} is not a gate with an interval; "
                             f"allowed: {', '.join(evaluation.INTERVAL_GATES)}")
        return names


class RiskSpec(StrictModel):
    """Re-identification risk of the pseudonymised table: a threshold and the steps that reach it."""

    quasi_identifiers: list[str] = Field(min_length=1, description="Learned columns that could single a person out.")
    sensitive: str | None = Field(default=None, description="The column l-diversity protects (e.g. a diagnosis).")
    k: int = Field(default=5, ge=2, le=10_000, description="Every combination of quasi-identifiers holds >= k records.")
    l: int | None = Field(default=None, ge=2, le=1_000, description="Every such class holds >= l sensitive values.")  # noqa: E741
    steps: list[privacy.EnforcementStep] = Field(
        default_factory=list, description="Applied in order, only until the threshold holds."
    )


class _RuleBase(StrictModel):
    held: float | None = Field(default=None, ge=0.0, le=1.0, description="Share of real rows that keep it "
                               "(written by `init`'s detection; informative only).")
    reason: str | None = Field(default=None, max_length=500, description="Why the rule is there (evidence).")


class EqualRule(_RuleBase):
    """The second column equals the first in every row (nulls equal nulls)."""

    type: Literal["equal"]
    columns: list[str] = Field(min_length=2, max_length=2)


class DeterminesRule(_RuleBase):
    """``column`` is a function of the ``by`` columns (a functional dependency)."""

    type: Literal["determines"]
    by: list[str] = Field(min_length=1, max_length=4)
    column: str


class InequalityRule(_RuleBase):
    """low <= high (low < high when strict) wherever both are present; numerical or datetime."""

    type: Literal["inequality"]
    low: str
    high: str
    strict: bool = False


class PresentWhenRule(_RuleBase):
    """``column`` is non-null exactly when ``other`` is non-null, or takes one of ``values``."""

    type: Literal["present_when"]
    column: str
    other: str
    values: list[str | bool | int | float] | None = Field(default=None, min_length=1, max_length=100)


class SumRule(_RuleBase):
    """``column = Σ sign·term`` within ``tolerance`` wherever all are present; numerical columns."""

    type: Literal["sum"]
    column: str
    terms: list[str] = Field(min_length=1, max_length=32)
    signs: list[Literal[1, -1]] | None = Field(default=None, description="+1 or -1 per term (default all +1).")
    tolerance: float | None = Field(default=None, ge=0.0, allow_inf_nan=False, description="Largest difference "
                                    "allowed (default: half the finest unit recorded in the columns).")


REVIEWER = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
DURATION = r"^([1-9][0-9]{0,3})([dhm])$"
_DURATION_SECONDS = {"d": 86_400, "h": 3_600, "m": 60}


class ReviewSpec(StrictModel):
    """A committee approves each release before it is published (the run waits, suspended, for a decision)."""

    required: bool = Field(default=False, description="Suspend before publishing until a reviewer decides.")
    reviewers: list[str] = Field(default_factory=list, max_length=100, description="Names that may decide: "
                                 "letters, digits, '.', '_', '@', '-' (e.g. kim.minji).")
    expires_after: str = Field(default="14d", description="How long a release waits for a decision before it "
                               "expires and is discarded: a number and d, h or m (14d, 36h, 90m).")

    @field_validator("reviewers")
    @classmethod
    def _names(cls, names: list[str]) -> list[str]:
        for name in names:
            if not re.match(REVIEWER, name):
                raise ValueError(f"reviewer {name!r} is not a name of 1-64 letters, digits, '.', '_', '@' or '-'")
        if len(set(names)) != len(names):
            raise ValueError("a reviewer is listed twice")
        return names

    @field_validator("expires_after")
    @classmethod
    def _duration(cls, value: str) -> str:
        if not re.match(DURATION, value):
            raise ValueError(f"{value!r} is not a duration; allowed: a whole number 1-9999 and d, h or m, "
                             "e.g. 14d, 36h, 90m")
        return value

    @model_validator(mode="after")
    def _someone_decides(self) -> "ReviewSpec":
        if self.required and not self.reviewers:
            raise ValueError("required: true needs at least one name in reviewers")
        return self

    @property
    def expires_after_seconds(self) -> int:
        number, unit = re.match(DURATION, self.expires_after).groups()
        return int(number) * _DURATION_SECONDS[unit]


DataRule = Annotated[Union[EqualRule, DeterminesRule, InequalityRule, PresentWhenRule, SumRule],
                     Field(discriminator="type")]
RULE_MODELS = {"equal": EqualRule, "determines": DeterminesRule, "inequality": InequalityRule,
               "present_when": PresentWhenRule, "sum": SumRule}


class ScheduleSpec(StrictModel):
    """When `synthgate deploy` makes this release run: a cron expression in a timezone."""

    cron: str = Field(description="Five fields 'minute hour day-of-month month day-of-week' (e.g. '0 3 1 * *') "
                      "or @daily, @weekly, @monthly, @yearly.")
    timezone: str = Field(default="UTC", description="The IANA timezone the cron is read in, e.g. Asia/Seoul.")

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from synthgate.flows.schedule import check_cron

        return _plain(check_cron, value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from synthgate.flows.schedule import check_timezone

        return _plain(check_timezone, value)


def _plain(check, value: str) -> str:
    """Run a check whose ValueError text is the whole message (without pydantic's 'Value error, ')."""
    try:
        return check(value)
    except ValueError as exc:
        raise PydanticCustomError("schedule", "{problem}", {"problem": str(exc)}) from None


class KeepSpec(StrictModel):
    """Workspace retention: the newest ``runs`` run folders of the dataset, or those under ``days`` old."""

    runs: int | None = Field(default=None, ge=0, le=100_000, description="Keep at most this many run folders of "
                             "the dataset (the running one counts and is never removed).")
    days: float | None = Field(default=None, ge=0, le=36_500, description="Remove run folders older than this "
                               "many days (a running one is never removed).")

    @model_validator(mode="after")
    def _one_rule(self) -> "KeepSpec":
        if (self.runs is None) == (self.days is None):
            raise ValueError("give exactly one of runs (a count) or days (an age), e.g. {runs: 5}")
        return self


class WorkspaceSpec(StrictModel):
    keep: KeepSpec | None = Field(default=None, description="Retention of run folders (raw and pseudonymised "
                                  "data): applied when a run starts and by synthgate gc. Default: keep all.")


class EngineKind(str, Enum):
    LOCAL = "local"
    DASK = "dask"


class EngineSpec(StrictModel):
    """Where the data-parallel stages run (docs/operations.md "A Dask cluster")."""

    kind: EngineKind = Field(default=EngineKind.LOCAL, description="local: every stage in the run's process; "
                             "dask: ingest (a partition per source file), pseudonymisation (with redaction) and the "
                             "evaluation's neighbour searches run as partitions on a Dask cluster through "
                             "Prefect's DaskTaskRunner.")
    address: str | None = Field(default=None, description="The Dask scheduler, tcp://host:port (or tls://). "
                                "Without it a run starts a LocalCluster of `workers` processes on this machine. "
                                "SYNTHGATE_DASK_ADDRESS gives it when the spec does not.")
    workers: int = Field(default=2, ge=1, le=256, description="Worker processes of the LocalCluster a run starts "
                         "when there is no address.")
    partition_rows: int = Field(default=250_000, ge=1, le=100_000_000, description="Rows of one partition: one "
                                "task on one worker.")

    @field_validator("address")
    @classmethod
    def _scheduler(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"(tcp|tls)://[A-Za-z0-9._\-\[\]:]+:\d{1,5}", value):
            raise ValueError("give the Dask scheduler as tcp://host:port or tls://host:port")
        return value

    @model_validator(mode="after")
    def _address_needs_dask(self) -> "EngineSpec":
        if self.address is not None and self.kind is not EngineKind.DASK:
            raise ValueError("an address is a Dask scheduler's: write kind: dask with it, or leave the address out")
        return self


class ReleaseSpec(StrictModel):
    dataset: DatasetSpec
    source: SourceSpec | None = None  # one table: source and columns; several: tables (docs/spec.md)
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    tables: dict[str, TableSpec] | None = Field(default=None, description="Several related tables, each with its "
                                                "source, columns, primary key and references (instead of "
                                                "source and columns).")
    privacy: PrivacySpec = PrivacySpec()
    generator: GeneratorSpec = GeneratorSpec()
    sample: SampleSpec
    output: OutputSpec
    validation: ValidationSpec = ValidationSpec()
    evaluation: EvaluationSpec = EvaluationSpec()
    risk: RiskSpec | None = None
    rules: list[DataRule] = Field(default_factory=list, max_length=200, description="Data rules the generator "
                                  "keeps and validation checks (equal, determines, inequality, present_when, "
                                  "sum).")
    review: ReviewSpec = ReviewSpec()
    schedule: ScheduleSpec | None = Field(default=None, description="When a deployment of this release runs "
                                           "(synthgate deploy); --cron/--timezone override it.")
    workspace: WorkspaceSpec = WorkspaceSpec()
    engine: EngineSpec = EngineSpec()


def _check_generator(spec: ReleaseSpec, shown: str) -> None:
    """The kind is registered, its params are valid, and a dp block only where the kind supports it."""
    gen = spec.generator
    if spec.tables is not None:  # several tables: a kind of generators/relational_registry.py
        from synthgate.generators import relational_registry as kinds

        kind = kinds.resolve_relational(gen.kind)  # flows/relations.py refused any other kind in one line
        if kind != kinds.DEFAULT_RELATIONAL:
            _check_peer_generator(spec, kind, shown)
            return
        # ours: generator.params are the autoregressive params of every table, checked as for one table
        spec = spec.model_copy(update={"generator": gen.model_copy(update={"kind": "autoregressive"})})
        gen = spec.generator
    try:
        cls = generators.get_generator(gen.kind)
    except generators.GeneratorError as exc:
        raise SpecError(shown, "generator.kind", str(exc)) from None
    if "dp" in gen.params:
        raise SpecError(shown, "generator.params.dp", "write differential privacy as generator.dp, not in params")
    if "rules" in gen.params:
        raise SpecError(shown, "generator.params.rules", "write data rules in the spec's top-level rules: block, "
                        "not in params (the generator and the validation both read it from there)")
    if gen.dp is not None and not cls.supports_dp:
        capable = ", ".join(k for k in generators.available() if generators.get_generator(k).supports_dp)
        raise SpecError(shown, "generator.dp", f"generator {gen.kind!r} does not train with differential privacy; "
                        f"kinds that do: {capable}")
    from synthgate.flows import convert  # convert imports this module

    where = "generator.params" if gen.dp is None else "generator.params/generator.dp"
    where += "/rules" if "rules" in convert.generator_params(spec) else ""
    try:
        generators.parse_params(gen.kind, convert.generator_params(spec))
    except generators.GeneratorError as exc:
        raise SpecError(shown, where, str(exc)) from None


def _check_peer_generator(spec: ReleaseSpec, kind: str, shown: str) -> None:
    """With tables and an SDV peer (sdv_hma, sdv_par): its limits on tables, links and sequences, no dp, its params."""
    from synthgate.flows import relations  # relations imports this module
    from synthgate.generators import relational_registry as kinds

    gen = spec.generator
    if "dp" in gen.params:
        raise SpecError(shown, "generator.params.dp", "write differential privacy as generator.dp, not in params")
    try:
        kinds.check_relational(kind, relations.keys(spec), relations.links(spec), relations.sequences(spec), dp=gen.dp)
    except generators.GeneratorError as exc:
        raise SpecError(shown, "generator.dp" if gen.dp is not None else "generator.kind", str(exc)) from None
    try:
        kinds.parse_relational_params(kind, gen.params)
    except generators.GeneratorError as exc:
        raise SpecError(shown, "generator.params", str(exc)) from None


@dataclass(frozen=True)
class LoadedSpec:
    """A validated spec plus where it came from; relative paths resolve against its folder."""

    spec: ReleaseSpec
    path: Path
    sha256: str

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def resolve(self, relative: str) -> Path:
        candidate = Path(relative).expanduser()
        return (candidate if candidate.is_absolute() else self.base_dir / candidate).resolve()

    @property
    def catalog_dir(self) -> Path:
        return self.resolve(self.spec.output.catalog)

    @property
    def workspace_dir(self) -> Path:
        return self.resolve(self.spec.output.workspace)

    @property
    def additional_information_dir(self) -> Path | None:
        """The folder of the encrypted re-identification table, or None when none is kept."""
        kept = self.spec.privacy.additional_information
        return self.resolve(kept.path) if kept is not None else None

    @property
    def source_pattern(self) -> str:
        """The source file or glob as an absolute pattern."""
        if self.spec.tables is not None:  # every reader of one source stops here with one line (exit 2)
            raise SpecError(str(self.path), "tables", TABLES_NOT_RELEASED)
        candidate = Path(self.spec.source.path).expanduser()
        return str(candidate if candidate.is_absolute() else self.base_dir / candidate)


def load_spec(path: str | Path) -> LoadedSpec:
    """Read, parse and check a release spec.

    Args:
        path: the YAML file.

    Returns:
        The validated spec with its path and sha256.

    Raises:
        SpecError: one line naming the file, the key and what is allowed.
    """
    spec_path = Path(path)
    shown = str(path)
    try:
        raw_bytes = spec_path.read_bytes()
    except FileNotFoundError:
        raise SpecError(shown, "", "file not found") from None
    except OSError as exc:
        raise SpecError(shown, "", f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        raw = yaml.safe_load(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise SpecError(shown, "", "is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise SpecError(shown, where, f"is not valid YAML ({getattr(exc, 'problem', None) or 'syntax error'})") from None
    if not isinstance(raw, dict):
        raise SpecError(shown, "", "must be a YAML mapping with the keys " + ", ".join(ReleaseSpec.model_fields))
    try:
        spec = ReleaseSpec.model_validate(raw)
    except ValidationError as exc:
        location, problem = _first_problem(exc)
        raise SpecError(shown, location, problem) from None
    loaded = LoadedSpec(spec=spec, path=spec_path.resolve(), sha256=hashlib.sha256(raw_bytes).hexdigest())
    _check_semantics(loaded, shown)
    return loaded


TABLES_NOT_RELEASED = ("a tables: spec has one source per table, which synthgate run releases; this single-table "
                       "step does not read it; see docs/spec.md ('Several tables')")

_STEPS = {"generalise": privacy.GeneraliseStep, "suppress_cells": privacy.SuppressCellsStep,
          "suppress_rows": privacy.SuppressRowsStep}


def _first_problem(exc: ValidationError) -> tuple[str, str]:
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    # pydantic puts a discriminator's tag after 'rule' (columns.age.rule.age_band.width) and after a
    # step's index (risk.steps.0.generalise.column): drop it, but remember the model it names.
    raw_loc = list(first["loc"])
    model = None
    kept = []
    for i, part in enumerate(raw_loc):
        previous = raw_loc[i - 1] if i else None
        if previous == "rule" and str(part) in privacy.RULES:
            model = privacy.RULES[str(part)]
        elif isinstance(previous, int) and i >= 2 and raw_loc[i - 2] == "steps" and str(part) in _STEPS:
            model = _STEPS[str(part)]
        elif isinstance(previous, int) and i == 2 and raw_loc[0] == "rules" and str(part) in RULE_MODELS:
            model = RULE_MODELS[str(part)]
        else:
            kept.append(str(part))
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        # An unknown key inside a privacy model (a rule or a risk step): name that model's keys.
        key = kept.pop()
        if model is None and kept == ["evaluation", "thresholds"]:
            model = evaluation.Thresholds
        allowed = sorted(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(key, allowed, n=1)
        message = f"unknown key '{key}'" + (f" (did you mean '{close[0]}'?)" if close else "")
        message += f"; allowed: {', '.join(allowed)}" if allowed else ""
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return ".".join(kept), message + more


def _check_semantics(loaded: LoadedSpec, shown: str) -> None:
    spec = loaded.spec
    if spec.tables is not None:
        from synthgate.flows import relations  # relations imports this module

        relations.check_tables(loaded, shown)
    elif spec.source is None or not spec.columns:
        missing = "source" if spec.source is None else "columns"
        raise SpecError(shown, missing, "Field required: a spec has source and columns (one table) or tables "
                        "(several; docs/spec.md, 'Several tables')")
    for name, column in spec.columns.items():
        try:
            privacy.ColumnPlan(name=name, kind=column.kind.value, action=column.action, rule=column.rule,
                               surrogate=column.surrogate)
        except privacy.PrivacyError as exc:
            raise SpecError(shown, f"columns.{name}", str(exc)) from None
    if spec.tables is None:  # several tables: relations.check_tables checked date_shift per table
        shift = spec.privacy.date_shift
        shifted = [name for name, column in spec.columns.items() if column.action is privacy.Action.DATE_SHIFT]
        if shifted and shift is None:
            raise SpecError(shown, f"columns.{shifted[0]}", "action 'date_shift' needs privacy.date_shift.subject "
                            "(the column naming the person whose dates move together)")
        if shift is not None and not shifted:
            raise SpecError(shown, "privacy.date_shift", "no column has action 'date_shift'")
        if shift is not None and shift.subject not in spec.columns:
            raise SpecError(shown, "privacy.date_shift.subject", f"{shift.subject!r} is not a column; "
                            f"allowed: {', '.join(spec.columns)}")
        if shift is not None and shift.subject in shifted:
            raise SpecError(shown, "privacy.date_shift.subject", "the subject column cannot itself be date-shifted")
    _check_generator(spec, shown)
    catalog, workspace = loaded.catalog_dir, loaded.workspace_dir
    if catalog == workspace or catalog in workspace.parents or workspace in catalog.parents:
        raise SpecError(
            shown, "output", "catalog and workspace must be separate folders, neither inside the other "
            "(raw and pseudonymised intermediates never enter the catalog)"
        )
    if spec.privacy.additional_information is not None:
        try:
            privacy.ensure_apart(loaded.additional_information_dir, workspace, catalog)
        except privacy.UnsafeLocationError as exc:
            raise SpecError(shown, "privacy.additional_information.path", str(exc)) from None
    if spec.risk is not None:
        _check_risk(spec, shown)
    _check_evaluation(spec, shown)
    _check_rules(spec, shown)
    if spec.privacy.key_secret_block is not None and not re.match(r"^[a-z0-9-]+$", spec.privacy.key_secret_block):
        raise SpecError(shown, "privacy.key_secret_block", "a Prefect block name: lower-case letters, digits, hyphens")


def _check_risk(spec: ReleaseSpec, shown: str) -> None:
    """Quasi-identifiers and the sensitive column are learned columns; each step's rule fits its column."""
    from synthgate.flows import convert  # convert imports this module

    risk = spec.risk
    assert risk is not None
    learned = convert.learned_kinds(spec)
    allowed = ", ".join(learned) or "none"
    for i, name in enumerate(risk.quasi_identifiers):
        if name not in learned:
            raise SpecError(shown, f"risk.quasi_identifiers.{i}", f"{name!r} is not a column the generator learns "
                            f"(dropped, identifier and text columns never reach it); allowed: {allowed}")
    if risk.sensitive is not None and (risk.sensitive not in learned or risk.sensitive in risk.quasi_identifiers):
        raise SpecError(shown, "risk.sensitive", f"{risk.sensitive!r} must be a learned column that is not a "
                        "quasi-identifier")
    if risk.l is not None and risk.sensitive is None:
        raise SpecError(shown, "risk.l", "l-diversity needs risk.sensitive (the column it protects)")
    kinds = dict(learned)
    for i, step in enumerate(risk.steps):
        if not isinstance(step, privacy.GeneraliseStep):
            continue
        if step.column not in risk.quasi_identifiers:
            raise SpecError(shown, f"risk.steps.{i}.column", f"{step.column!r} is not a quasi-identifier; "
                            f"allowed: {', '.join(risk.quasi_identifiers)}")
        kind = kinds[step.column]
        if kind not in step.rule.accepts_kinds:
            raise SpecError(shown, f"risk.steps.{i}.rule", f"rule {step.rule.rule!r} does not fit column "
                            f"{step.column!r}, which is {kind} at this step; the rule accepts: "
                            f"{', '.join(sorted(step.rule.accepts_kinds))}")
        kinds[step.column] = step.rule.output_kind(kind)


def _check_evaluation(spec: ReleaseSpec, shown: str) -> None:
    """The target, secret and linkability columns are columns the generator learns."""
    from synthgate.flows import convert  # convert imports this module

    block = spec.evaluation
    learned = convert.learned_kinds(spec)
    allowed = ", ".join(learned) or "none"
    named = [("evaluation.target", block.target)] if block.target is not None else []
    named += [(f"evaluation.secrets.{i}", name) for i, name in enumerate(block.secrets or [])]
    for side, names in enumerate(block.linkability or ()):
        named += [(f"evaluation.linkability.{side}.{i}", name) for i, name in enumerate(names)]
    for location, name in named:
        if name not in learned:
            raise SpecError(shown, location, f"{name!r} is not a column the generator learns (dropped, identifier "
                            f"and text columns never reach it); allowed: {allowed}")
    if block.holdout_by is not None:
        column = spec.columns.get(block.holdout_by)
        if column is None or column.action.value in ("drop", "redact_text"):
            keyed = ", ".join(n for n, c in spec.columns.items() if c.action.value not in ("drop", "redact_text"))
            raise SpecError(shown, "evaluation.holdout_by", f"{block.holdout_by!r} is not a column kept in the "
                            f"pseudonymised table (dropped and free-text columns are not); allowed: {keyed}")
    if block.linkability is not None:
        left, right = map(set, block.linkability)
        if not left or not right or left & right:
            raise SpecError(shown, "evaluation.linkability", "two non-empty column lists with no column in both")


def _check_rules(spec: ReleaseSpec, shown: str) -> None:
    """Each rule names learned columns of kinds it fits, each column once; none a risk step may change."""
    from synthgate.flows import convert  # convert imports this module

    learned = convert.learned_kinds(spec)
    allowed = ", ".join(learned) or "none"
    stepped = {s.column for s in spec.risk.steps if isinstance(s, privacy.GeneraliseStep)} if spec.risk else set()
    for i, rule in enumerate(spec.rules):
        named = _rule_places(rule)
        for place, name in named:
            where = f"rules.{i}.{place}"
            if name not in learned:
                raise SpecError(shown, where, f"{name!r} is not a column the generator learns (dropped, identifier "
                                f"and text columns never reach it); allowed: {allowed}")
            if name in stepped:
                raise SpecError(shown, where, f"{name!r} may be generalised by a risk step, which would change "
                                "what the rule means; a rule cannot name it")
        names = [name for _, name in named]
        if isinstance(rule, SumRule):
            _check_sum(rule, i, learned, shown)
        if len(set(names)) < len(names):
            raise SpecError(shown, f"rules.{i}", f"a {rule.type} rule names a column twice")
        kinds = [learned[name] for name in names]
        if isinstance(rule, EqualRule) and kinds[0] != kinds[1]:
            raise SpecError(shown, f"rules.{i}.columns", f"equal columns must have one kind; "
                            f"{names[0]!r} is {kinds[0]}, {names[1]!r} is {kinds[1]}")
        if isinstance(rule, InequalityRule) and (kinds[0] != kinds[1] or kinds[0] not in ("numerical", "datetime")):
            raise SpecError(shown, f"rules.{i}", f"an inequality compares two numerical or two datetime columns; "
                            f"{rule.low!r} is {kinds[0]}, {rule.high!r} is {kinds[1]}")
        if isinstance(rule, DeterminesRule) and spec.generator.dp is not None:
            raise SpecError(shown, f"rules.{i}", "a determines rule's mapping would be learned from the data outside "
                            "the differential-privacy budget; leave it out under generator.dp")
        if isinstance(rule, PresentWhenRule) and rule.values is not None and kinds[1] not in ("categorical",
                                                                                              "boolean"):
            raise SpecError(shown, f"rules.{i}.values", f"values need a categorical or boolean other column; "
                            f"{rule.other!r} is {kinds[1]}")


def _check_sum(rule: SumRule, i: int, learned: dict[str, str], shown: str) -> None:
    """A sum adds numerical columns, one sign per term, and never names its column as a term."""
    if rule.column in rule.terms:
        raise SpecError(shown, f"rules.{i}.terms.{rule.terms.index(rule.column)}", f"{rule.column!r} is the sum's "
                        "column and cannot also be one of its terms")
    if len(set(rule.terms)) < len(rule.terms):
        raise SpecError(shown, f"rules.{i}.terms", "a sum names a term twice")
    if rule.signs is not None and len(rule.signs) != len(rule.terms):
        raise SpecError(shown, f"rules.{i}.signs", f"{len(rule.signs)} signs for {len(rule.terms)} terms; give one "
                        "sign (1 or -1) per term, or leave signs out for all +1")
    for place, name in [("column", rule.column), *((f"terms.{j}", t) for j, t in enumerate(rule.terms))]:
        if learned[name] != "numerical":
            raise SpecError(shown, f"rules.{i}.{place}", f"a sum adds numerical columns; {name!r} is "
                            f"{learned[name]}")


def _rule_places(rule: Any) -> list[tuple[str, str]]:
    """(place in the rule, column) for every column a rule names."""
    if isinstance(rule, EqualRule):
        return [(f"columns.{j}", name) for j, name in enumerate(rule.columns)]
    if isinstance(rule, DeterminesRule):
        return [*((f"by.{j}", name) for j, name in enumerate(rule.by)), ("column", rule.column)]
    if isinstance(rule, InequalityRule):
        return [("low", rule.low), ("high", rule.high)]
    if isinstance(rule, SumRule):
        return [("column", rule.column), *((f"terms.{j}", name) for j, name in enumerate(rule.terms))]
    return [("column", rule.column), ("other", rule.other)]
