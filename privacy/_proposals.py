"""The rules that turn one column's evidence (Presidio findings, name hint, value signals) into a proposal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from synthgate.privacy.generalise import AgeBand, DateTruncate, GeneraliseRule
from synthgate.privacy.hints import NameHint
from synthgate.privacy.plan import Action

EVIDENCE_THRESHOLD = 0.5
"""Share of sampled values an entity must cover before content alone decides. spaCy's
small model tags stray short words (clinic abbreviations, group labels) as PERSON or
LOCATION in up to ~15% of values; a majority is needed to count."""
WEAK_THRESHOLD = 0.25
"""Above spaCy's ~15% noise and below a majority: a person must look (``needs_review``)."""
FORMAT_THRESHOLD = 0.8  # a format-only entity (no checksum, no context word) must fit most values
MIN_NAME_VALUES = 5  # distinct values needed before name lists speak: 4 categories prove nothing
# Contact details, national ids, addresses and plates: synthetic data never needs them.
DROP_ENTITIES = frozenset(
    {
        "EMAIL_ADDRESS", "PHONE_NUMBER", "KR_PHONE_NUMBER", "URL", "IP_ADDRESS", "KR_ADDRESS",
        "US_SSN", "CREDIT_CARD", "IBAN_CODE", "US_DRIVER_LICENSE", "US_PASSPORT", "MEDICAL_LICENSE",
        "KR_RRN", "KR_FRN", "KR_BRN", "KR_PASSPORT", "KR_DRIVER_LICENSE", "KR_HEALTH_INSURANCE_NUMBER",
        "KR_VEHICLE_PLATE", "ADDRESS",
    }
)  # fmt: skip
# Names, chart numbers and service numbers link tables: a keyed pseudonym keeps the link.
PSEUDONYMISE_ENTITIES = frozenset(
    {"PERSON", "KR_MEDICAL_RECORD_NUMBER", "MEDICAL_RECORD_NUMBER", "KR_MILITARY_SERVICE_NUMBER"}
)
# Formats that a column of one shape shows even when each value alone scores low (11 digits).
FORMAT_ENTITIES = frozenset(
    {"KR_HEALTH_INSURANCE_NUMBER", "KR_MEDICAL_RECORD_NUMBER", "KR_MILITARY_SERVICE_NUMBER", "KR_RRN", "KR_FRN"}
)
# One meaning, two recognizers: evidence is pooled and the commoner member names the column.
FAMILIES = {
    "KR_PHONE_NUMBER": "PHONE_NUMBER", "KR_ADDRESS": "LOCATION", "ADDRESS": "LOCATION",
    "MEDICAL_RECORD_NUMBER": "KR_MEDICAL_RECORD_NUMBER", "DATE_OF_BIRTH": "DATE_TIME",
}  # fmt: skip
_DROP_HINTS = frozenset({"national_id", "payment", "email", "phone", "ip", "vehicle", "address"})
CATEGORY_NOUNS = {
    "national_id": "a national id",
    "payment": "a card number",
    "vehicle": "a vehicle plate",
    "email": "an e-mail address",
    "phone": "a phone number",
    "ip": "an IP address",
    "address": "an address",
    "birth": "a date of birth",
    "person": "a personal name",
    "age": "an age",
    "identifier": "an identifier",
}


@dataclass(frozen=True)
class Evidence:
    """Per entity family: the share of sampled values it covers (``full``) or appears in (``anywhere``)."""

    full: dict[str, float]
    anywhere: dict[str, float]
    any_entity: float
    members: dict[str, str]  # family -> its commonest entity in this column
    confident: dict[str, float] = field(default_factory=dict)  # as ``full``, findings scored >= 0.5 only
    weak: dict[str, float] = field(default_factory=dict)  # as ``full``, findings below the threshold only
    scanned: bool = True

    def best_full(self) -> tuple[str | None, float]:
        family, share = max(self.full.items(), key=lambda kv: kv[1], default=(None, 0.0))
        return self.members.get(family, family) if family else None, share

    def best_anywhere(self) -> str | None:
        family = max(self.anywhere.items(), key=lambda kv: kv[1], default=(None, 0.0))[0]
        return self.members.get(family, family) if family else None

    def share_of(self, entity: str | None) -> tuple[str | None, float]:
        """The share of ``entity``'s family and the member that names it."""
        family = FAMILIES.get(entity or "", entity)
        return self.members.get(family or "", entity), self.full.get(family or "", 0.0)


NOT_SCANNED = Evidence({}, {}, 0.0, {}, scanned=False)


@dataclass(frozen=True)
class Proposal:
    """What the rules propose, why (``reason``, ``lines``) and whether a person must look."""

    action: Action
    reason: str
    entity: str | None = None
    share: float = 0.0
    hinted: bool = False
    structural: bool = False
    rule: GeneraliseRule | None = None
    review: bool = False
    lines: tuple[str, ...] = ()
    event_dates: bool = False  # exact event dates: date_shift once a subject column is known


@dataclass(frozen=True)
class Facts:
    """Everything the rules read about one column."""

    kind: str
    hint: NameHint | None
    ev: Evidence
    signals: Mapping[str, float]
    sampled: int
    quasi: str | None = None  # the quasi-identifier the name suggests (region, occupation ...)


def action_of(entity: str | None) -> Action | None:
    if entity in DROP_ENTITIES:
        return Action.DROP
    return Action.PSEUDONYMISE if entity in PSEUDONYMISE_ENTITIES else None


def by_emptiness(f: Facts) -> Proposal | None:
    """All-null and constant columns: nothing to learn, and a constant may name the one person."""
    s = f.signals
    if s.get("rows", 0) and s["null_share"] == 1.0:
        return Proposal(Action.DROP, "all values null: nothing to learn", lines=("all values null",))
    if s.get("distinct") == 1 and s["rows"] * (1 - s["null_share"]) >= 2:
        line = f"one distinct value in all {round(s['rows'] * (1 - s['null_share']))} non-null rows"
        return Proposal(Action.DROP, f"{line}: a constant teaches nothing", lines=(line,))
    return None


def by_strong_content(f: Facts) -> Proposal | None:
    """Content that surely names a direct identifier outvotes a name hint of another family."""
    kind, hint, ev = f.kind, f.hint, f.ev
    entity, share = ev.best_full()
    family = FAMILIES.get(entity or "", entity)
    if kind == "text" and family == "LOCATION" and share >= EVIDENCE_THRESHOLD:
        entity = ev.members.get("LOCATION", entity)  # long values that are wholly places: addresses
        action = Action.DROP
    else:
        action = action_of(entity)
    if action is None or share < EVIDENCE_THRESHOLD or (kind == "text" and family != "LOCATION"):
        return None
    sure = ev.confident.get(family or "", 0.0) >= EVIDENCE_THRESHOLD
    if not sure and max(ev.weak.values(), default=0.0) >= FORMAT_THRESHOLD:
        return None  # phonenumbers' flat 0.4 on 16-76533673; the service-number format fits better
    if entity == "PERSON" and hint is None:
        return None  # by_names_in_values weighs spaCy's PERSON together with the name lists
    if hint is not None and not sure:
        return None  # weak findings (a 10-digit service number read as a phone) leave the name in charge
    if hint is not None and FAMILIES.get(hint.entity or "", hint.entity) == FAMILIES.get(entity or "", entity):
        return None  # the name agrees: by_name explains it with both signals
    line = f"{entity} covers {share:.0%} of {f.sampled} sampled values"
    why = line
    if hint is not None:
        why += f" although named like {CATEGORY_NOUNS[hint.category]} ({hint.keyword!r})"
    why += ": " + ("contact details and ids are never needed" if action is Action.DROP else "pseudonymised, it links tables")
    return Proposal(action, why, entity, share, review=hint is not None, lines=(line,))


def by_name(f: Facts) -> Proposal | None:
    """The proposal a name hint makes, or None when the name says nothing that fits the kind."""
    kind, hint, ev = f.kind, f.hint, f.ev
    if hint is None:
        return None
    named = f"named like {CATEGORY_NOUNS[hint.category]} ({hint.keyword!r})"
    entity, share = ev.share_of(hint.entity)
    if hint.category in _DROP_HINTS:
        why = f"{named}; synthetic data never needs contact details, national ids or addresses"
        return Proposal(Action.DROP, why, entity, share, hinted=True)
    if hint.category == "identifier" and (kind == "id" or share >= EVIDENCE_THRESHOLD):
        why = f"{named}: pseudonymised so that it still links tables"
        return Proposal(Action.PSEUDONYMISE, why, entity, share, hinted=True)
    if hint.category == "person":
        share = max(share, f.signals.get("person_share", 0.0))
        line = f"{share:.0%} of {f.sampled} sampled values are names (Presidio PERSON or name lists)"
        why = f"{named}; {line}; drop it instead if no table links by name"
        return Proposal(Action.PSEUDONYMISE, why, "PERSON", share, hinted=True, lines=(line,))
    if hint.category == "birth" and kind == "datetime":
        why = f"{named}: truncated to the year"
        return Proposal(Action.GENERALISE, why, "DATE_TIME", share, hinted=True, rule=DateTruncate(unit="year"))
    if hint.category == "birth":
        action = Action.KEEP if kind == "numerical" else Action.DROP
        why = f"{named}, kind {kind!r}: a number (a year) is kept; text is dropped unless converted to dates"
        return Proposal(action, why, "DATE_TIME", hinted=True)
    if hint.category == "age" and kind == "numerical":
        return Proposal(Action.GENERALISE, f"{named}: 10-year bands, top band 90+", hinted=True, rule=AgeBand())
    return None


def lower_bound(share: float, n: int) -> float:
    """Wilson's 95% lower bound of a proportion observed in ``n`` values."""
    z2 = 1.96**2
    if n == 0 or share <= 0:
        return 0.0
    centre = share + z2 / (2 * n)
    spread = (z2 * (share * (1 - share) / n + z2 / (4 * n * n))) ** 0.5
    return max(0.0, (centre - spread) / (1 + z2 / n))
