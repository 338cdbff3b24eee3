"""IAB Europe Transparency & Consent Framework v2.3: the TC string, encoded here.

Design: we follow the IAB Tech Lab's "Consent string and vendor list formats v2" field by
field. A string is made of base64url segments joined by dots: the core segment (always), the
disclosed-vendors segment (mandatory since TCF v2.3: which vendors the person was shown), and
the publisher segment. Each segment's bits are padded with zeros to a multiple of 24 bits (whole
bytes and whole base64 characters), as the reference library does, so our strings are
byte-for-byte those a reference encoder would write. Vendor lists are written as a bit field or
as ranges, whichever is shorter. Dates are kept to the day (midnight UTC), as the framework
recommends, so that the string cannot serve to tell people apart by the second they chose.

We are a site-specific CMP (IsServiceSpecific = 1): the string is stored in our own cookie and
describes our site only. We rely on consent alone: no purpose or vendor under legitimate
interest, no publisher restriction.
"""

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

VERSION = 2
POLICY_VERSION = 5  # TCF policy version of TCF v2.2 and v2.3
NUM_PURPOSES = 24
NUM_SPECIAL_FEATURES = 12

SEGMENT_DISCLOSED_VENDORS = 1
SEGMENT_PUBLISHER_TC = 3

# Until IAB Europe assigns us a CMP id, a placeholder (the largest 12-bit value, which no CMP
# holds). Deployments set settings.CHARTE_TCF = {"cmp_id": <their id>, ...}.
DEFAULTS: dict[str, Any] = {
    "cmp_id": 4095,
    "cmp_version": 1,
    "vendor_list_version": 1,
    "publisher_cc": "FR",
    # IAB vendor id -> the cookie category whose consent covers it. We work with none today.
    "vendors": {},
}

CONSENT_SCREEN = {"banner": 1, "page": 2, "sign_in": 3, "embed": 4}


def config() -> dict[str, Any]:
    return {**DEFAULTS, **getattr(settings, "CHARTE_TCF", {})}


def configured_vendors() -> dict[int, str]:
    return {int(k): str(v) for k, v in config()["vendors"].items()}


@dataclass(frozen=True, kw_only=True)
class TCModel:
    created: datetime
    last_updated: datetime
    cmp_id: int
    cmp_version: int
    consent_screen: int
    consent_language: str
    vendor_list_version: int
    policy_version: int = POLICY_VERSION
    is_service_specific: bool = True
    use_non_standard_texts: bool = False
    special_feature_optins: frozenset[int] = frozenset()
    purpose_consents: frozenset[int] = frozenset()
    purpose_legitimate_interests: frozenset[int] = frozenset()
    purpose_one_treatment: bool = False
    publisher_cc: str = "FR"
    vendor_consents: frozenset[int] = frozenset()
    vendor_legitimate_interests: frozenset[int] = frozenset()
    disclosed_vendors: frozenset[int] = frozenset()
    publisher_consents: frozenset[int] = frozenset()
    publisher_legitimate_interests: frozenset[int] = frozenset()
    custom_purposes: int = 0
    publisher_custom_consents: frozenset[int] = field(default_factory=frozenset)
    publisher_custom_legitimate_interests: frozenset[int] = field(default_factory=frozenset)


class Bits:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def number(self, value: int, width: int) -> None:
        if value < 0 or value >= 1 << width:
            raise ValueError(f"{value} does not fit in {width} bits")
        self.parts.append(format(value, f"0{width}b"))

    def flag(self, value: bool) -> None:
        self.parts.append("1" if value else "0")

    def flags(self, ids: Iterable[int], width: int) -> None:
        chosen = set(ids)
        if any(i < 1 or i > width for i in chosen):
            raise ValueError(f"ids {sorted(chosen)} outside 1..{width}")
        self.parts.append("".join("1" if i in chosen else "0" for i in range(1, width + 1)))

    def deciseconds(self, moment: datetime) -> None:
        self.number(round(moment.timestamp() * 10), 36)

    def letters(self, code: str) -> None:
        code = code.upper()
        if len(code) != 2 or not all("A" <= ch <= "Z" for ch in code):
            raise ValueError(f"{code!r} is not two letters")
        for ch in code:
            self.number(ord(ch) - ord("A"), 6)

    def vendors(self, ids: Iterable[int]) -> None:
        """MaxVendorId, then a bit field or ranges, whichever is shorter (ties: bit field)."""
        chosen = sorted(set(ids))
        if any(i < 1 or i >= 1 << 16 for i in chosen):
            raise ValueError(f"vendor ids {chosen} outside 1..65535")
        max_id = chosen[-1] if chosen else 0
        self.number(max_id, 16)
        ranges = _ranges(chosen)
        range_bits = 12 + sum(17 if a == b else 33 for a, b in ranges)
        if range_bits < max_id:
            self.flag(True)
            self.number(len(ranges), 12)
            for a, b in ranges:
                self.flag(a != b)
                self.number(a, 16)
                if a != b:
                    self.number(b, 16)
        else:
            self.flag(False)
            self.flags(chosen, max_id)

    def encode(self) -> str:
        bits = "".join(self.parts)
        bits += "0" * (-len(bits) % 24)
        raw = int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _ranges(ids: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for i in ids:
        if ranges and ranges[-1][1] == i - 1:
            ranges[-1] = (ranges[-1][0], i)
        else:
            ranges.append((i, i))
    return ranges


def encode(model: TCModel) -> str:
    """The TC string: core, disclosed vendors and publisher segments, dot-separated."""
    core = Bits()
    core.number(VERSION, 6)
    core.deciseconds(model.created)
    core.deciseconds(model.last_updated)
    core.number(model.cmp_id, 12)
    core.number(model.cmp_version, 12)
    core.number(model.consent_screen, 6)
    core.letters(model.consent_language)
    core.number(model.vendor_list_version, 12)
    core.number(model.policy_version, 6)
    core.flag(model.is_service_specific)
    core.flag(model.use_non_standard_texts)
    core.flags(model.special_feature_optins, NUM_SPECIAL_FEATURES)
    core.flags(model.purpose_consents, NUM_PURPOSES)
    core.flags(model.purpose_legitimate_interests, NUM_PURPOSES)
    core.flag(model.purpose_one_treatment)
    core.letters(model.publisher_cc)
    core.vendors(model.vendor_consents)
    core.vendors(model.vendor_legitimate_interests)
    core.number(0, 12)  # NumPubRestrictions: we restrict no vendor

    disclosed = Bits()
    disclosed.number(SEGMENT_DISCLOSED_VENDORS, 3)
    disclosed.vendors(model.disclosed_vendors)

    publisher = Bits()
    publisher.number(SEGMENT_PUBLISHER_TC, 3)
    publisher.flags(model.publisher_consents, NUM_PURPOSES)
    publisher.flags(model.publisher_legitimate_interests, NUM_PURPOSES)
    publisher.number(model.custom_purposes, 6)
    publisher.flags(model.publisher_custom_consents, model.custom_purposes)
    publisher.flags(model.publisher_custom_legitimate_interests, model.custom_purposes)

    return ".".join(segment.encode() for segment in (core, disclosed, publisher))


def day(moment: datetime) -> datetime:
    """Midnight UTC of the day: the precision the framework recommends for its dates."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def model_for(
    *,
    created: datetime,
    updated: datetime,
    purposes: Iterable[int],
    features: Iterable[int],
    vendors: Iterable[int],
    method: str,
    language: str,
    settings_: Mapping[str, Any] | None = None,
) -> TCModel:
    conf = dict(settings_) if settings_ is not None else config()
    return TCModel(
        created=day(created),
        last_updated=day(updated),
        cmp_id=int(conf["cmp_id"]),
        cmp_version=int(conf["cmp_version"]),
        consent_screen=CONSENT_SCREEN.get(method, 1),
        consent_language=language[:2].upper(),
        vendor_list_version=int(conf["vendor_list_version"]),
        special_feature_optins=frozenset(features),
        purpose_consents=frozenset(purposes),
        publisher_cc=str(conf["publisher_cc"]),
        vendor_consents=frozenset(vendors),
        disclosed_vendors=frozenset(int(v) for v in conf["vendors"]),
    )


def tc_data(
    *, tc_string: str, purposes: Iterable[int], features: Iterable[int], vendors: Iterable[int]
) -> dict[str, Any]:
    """The TCData object of the CMP API (`__tcfapi`), less the fields the script adds per call."""
    conf = config()
    disclosed = sorted(int(v) for v in conf["vendors"])
    chosen_p, chosen_f, chosen_v = set(purposes), set(features), set(vendors)
    return {
        "tcString": tc_string,
        "tcfPolicyVersion": POLICY_VERSION,
        "cmpId": int(conf["cmp_id"]),
        "cmpVersion": int(conf["cmp_version"]),
        "gvlVersion": int(conf["vendor_list_version"]),
        "gdprApplies": True,
        "isServiceSpecific": True,
        "useNonStandardTexts": False,
        "publisherCC": str(conf["publisher_cc"]),
        "purposeOneTreatment": False,
        "purpose": {
            "consents": {str(i): i in chosen_p for i in range(1, 12)},
            "legitimateInterests": {str(i): False for i in range(1, 12)},
        },
        "vendor": {
            "consents": {str(v): v in chosen_v for v in disclosed},
            "legitimateInterests": {str(v): False for v in disclosed},
            "disclosedVendors": {str(v): True for v in disclosed},
        },
        "specialFeatureOptins": {str(i): i in chosen_f for i in range(1, 3)},
        "publisher": {
            "consents": {},
            "legitimateInterests": {},
            "customPurpose": {"consents": {}, "legitimateInterests": {}},
            "restrictions": {},
        },
    }
