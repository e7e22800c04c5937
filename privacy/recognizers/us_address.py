"""ADDRESS: whole US street addresses, from the house number to the ZIP code.

spaCy's small English model tags street and city names as separate LOCATION fragments and
leaves house numbers and ZIP codes readable. Two patterns cover the whole address instead:

- ``1234 Oak Street Apt 5, Springfield, IL 62704`` (also ``ZIP+4``, a full state name, no ZIP,
  a unit such as ``Suite 200`` or ``#4B``, ``... Street in Springfield, IL``, ``P.O. Box 17, ...``):
  a house number, up to six words that start with a capital, a digit (``5th``) or are a
  direction, then ``City, ST 12345``: 0.85. Any street type counts, since the state ends the span;
- ``1234 Oak Street`` or ``77 N. Main St. Apt 5`` without city: a house number, capitalised
  words and a known street type (USPS suffixes), then an optional unit: 0.6.

Importing this module loads Presidio; the recognizer is a plain ``PatternRecognizer``.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import Pattern

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer

__all__ = ["STATES", "STREET_TYPES", "UsAddressRecognizer"]

STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP FM MH PW AA AE AP"
).split()
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
    "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
    "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|"
    "North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|"
    "Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|District of Columbia"
)
STREET_TYPES = (
    "Street St Avenue Ave Av Road Rd Boulevard Blvd Drive Dr Lane Ln Court Ct Place Pl Way Terrace Ter Circle Cir "
    "Parkway Pkwy Highway Hwy Square Sq Trail Trl Loop Crossing Xing Path Pike Alley Aly Plaza Plz Ridge Run Row "
    "Center Ctr Point Pt Points Harbor Hbr Heights Hts Hill Hills Park Pass Crescent Cres Grove Grv Glen Green "
    "Meadow Meadows Mews Mill Mills Manor Landing Lake Lakes Knoll Junction Jct Island Isle Haven Garden Gardens "
    "Fork Forks Ford Ferry Extension Ext Estates Cove Creek Crest Corner Corners Commons Causeway Canyon Bypass "
    "Brook Branch Bridge Bluff Bluffs Bend Beach Expressway Expy Freeway Fwy Turnpike Tpke Route Rte Spur Station "
    "Summit Trace Track Valley Vly View Vista Walk Wall Well Wells Village Vlg Ville Union Underpass Tunnel Stream "
    "Springs Spring Shore Shores Ranch Rapids Prairie Port Pines Orchard Oval Mount Mountain Mall Lodge Lock Keys "
    "Key Hollow Forest Field Fields Falls Fall Dale Curve Cliffs Club Burg Camp Cape Via"
).split()
_WORD = r"(?:[A-Z][A-Za-z'.\-]*|[0-9]{1,4}(?:st|nd|rd|th)|[NSEW]\.?|NE|NW|SE|SW)"
_HOUSE = rf"(?<![0-9A-Za-z\-/.])(?:[0-9]{{1,6}}[A-Z]?(?:-[0-9]{{1,4}})?(?:\s{_WORD}){{1,6}}|P\.?\s?O\.?\s?Box\s[0-9]{{1,6}})"
_UNIT = r"(?:,?\s(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Rm\.?|Room|Fl\.?|Floor|Bldg\.?|#)\s?#?[0-9A-Z]{1,6}[A-Z]?)"
_STATE = "(?:" + "|".join(STATES) + "|" + _STATE_NAMES + ")"
_ZIP = r"[0-9]{5}(?:-[0-9]{4})?(?![0-9])"
_TYPE = r"(?:" + "|".join(sorted(STREET_TYPES, key=len, reverse=True)) + r")\.?"
WITH_ZIP = (
    rf"{_HOUSE}{_UNIT}?(?:,|\s(?:in|at))?(?:\s{_WORD}){{1,4}}"
    rf"(?:,?\s{_STATE},?\s{_ZIP}|,\s?{_STATE}(?![A-Za-z0-9]))"  # no comma before the state only when a ZIP follows
)
_QUICK = re.compile(r"[0-9][A-Z]?\s(?:[A-Z]|[0-9]{1,4}(?:st|nd|rd|th))|Box\s[0-9]")
STREET_ONLY = rf"(?<![0-9A-Za-z\-/.])[0-9]{{1,6}}[A-Z]?(?:\s{_WORD}){{0,4}}\s{_TYPE}(?![A-Za-z]){_UNIT}?"


class UsAddressRecognizer(FoldingPatternRecognizer):
    """Finds US street addresses as one span, house number to ZIP code."""

    PATTERNS = [
        Pattern("US address (to state and ZIP)", WITH_ZIP, 0.85),
        Pattern("US street address", STREET_ONLY, 0.6),
    ]
    CONTEXT = ["address", "lives", "live", "resides", "residence", "home", "mailing", "street", "주소"]

    def __init__(self, supported_language: str = "en", **kwargs) -> None:
        kwargs.setdefault("patterns", self.PATTERNS)
        kwargs.setdefault("context", self.CONTEXT)
        super().__init__(supported_entity="ADDRESS", supported_language=supported_language, **kwargs)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: Any = None) -> list:
        """Matches case-sensitively: Presidio's default IGNORECASE would read "45 years" as a street."""
        if _QUICK.search(text) is None:
            return []  # no "12 Oak" and no "Box": most notes, Korean ones above all, skip the patterns
        return super().analyze(text, entities, nlp_artifacts, regex_flags or re.DOTALL | re.MULTILINE)
