"""Our TC strings, decoded by the IAB Tech Lab reference library (@iabtechlabtcf/core, Node).

Every decoded field is compared with what was chosen: a string that merely decodes proves
little (a truncated one decodes too), so the comparison is field by field, for a dozen choices.
"""

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse

from charte.cookies import choices, tcf
from charte.cookies.models import ConsentRecord

ROOT = Path(__file__).resolve().parents[2]
DECODER = Path(__file__).with_name("tcf_decode.mjs")
CONF = {"cmp_id": 300, "cmp_version": 7, "vendor_list_version": 142, "publisher_cc": "FR"}


def decode(strings: list[str]) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "@iabtechlabtcf" / "core").exists():
        pytest.fail("Node and the npm test tools are needed: run `make test` (it runs npm ci).")
    done = subprocess.run(
        [node, str(DECODER)],
        input=json.dumps(strings),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


# (purposes, special features, vendors consented, vendors disclosed, language, method)
COMBINATIONS = [
    ((), (), (), (), "fr", "banner"),  # everything refused, no vendor
    (range(1, 12), (1, 2), (), (), "fr", "banner"),  # everything accepted, no vendor
    ((1, 5, 6, 8, 9, 10), (1, 2), (), (), "en", "page"),  # customer journey only
    ((2, 3, 4, 7), (), (), (), "fr", "page"),  # advertising only
    ((1,), (), (1,), (1,), "fr", "banner"),  # one purpose, the first vendor
    ((1, 2, 3, 4, 7), (2,), (755, 793), (10, 755, 793, 1000), "fr", "sign_in"),
    ((8, 9), (1,), (), (21, 32, 50), "en", "embed"),  # vendors disclosed, none consented
    # A long run of consecutive vendors: range encoding is the shorter one.
    ((1, 2), (), tuple(range(100, 400)), tuple(range(100, 400)), "fr", "banner"),
    # Scattered vendors over a wide span: ranges again, with single ids.
    ((10,), (), (3, 4000, 4001, 4002, 9000), (3, 4000, 4001, 4002, 9000, 12000), "fr", "page"),
    ((1, 11), (1,), (2, 4, 6, 8), tuple(range(1, 41)), "fr", "banner"),  # short bit field
    ((5, 6), (), (65535,), (1, 65535), "en", "banner"),  # the largest vendor id
    (range(1, 12), (1, 2), tuple(range(1, 60)), tuple(range(1, 90)), "en", "page"),
]


def model(combination, created, updated):
    purposes, features, vendors, disclosed, language, method = combination
    return tcf.model_for(
        created=created,
        updated=updated,
        purposes=purposes,
        features=features,
        vendors=vendors,
        method=method,
        language=language,
        settings_={**CONF, "vendors": dict.fromkeys(disclosed, "advertising")},
    )


def test_the_reference_library_reads_back_every_field_of_a_dozen_choices():
    created = datetime(2026, 3, 14, 15, 9, 26, tzinfo=UTC)
    updated = datetime(2026, 11, 2, 8, 0, 1, tzinfo=UTC)
    models = [model(c, created, updated) for c in COMBINATIONS]

    decoded = decode([tcf.encode(m) for m in models])

    assert len(decoded) == len(COMBINATIONS) >= 10
    for m, got in zip(models, decoded, strict=True):
        assert "error" not in got, got
        assert got == {
            "segments": 3,  # core, disclosed vendors (mandatory in v2.3), publisher
            "version": 2,
            "created": "2026-03-14T00:00:00.000Z",  # kept to the day
            "lastUpdated": "2026-11-02T00:00:00.000Z",
            "cmpId": 300,
            "cmpVersion": 7,
            "consentScreen": m.consent_screen,
            "consentLanguage": m.consent_language,
            "vendorListVersion": 142,
            "policyVersion": 5,
            "isServiceSpecific": True,
            "useNonStandardTexts": False,
            "specialFeatureOptins": sorted(m.special_feature_optins),
            "purposeConsents": sorted(m.purpose_consents),
            "purposeLegitimateInterests": [],
            "purposeOneTreatment": False,
            "publisherCountryCode": "FR",
            "vendorConsents": sorted(m.vendor_consents),
            "vendorConsentsMaxId": max(m.vendor_consents, default=0),
            "vendorLegitimateInterests": [],
            "publisherRestrictions": 0,
            "vendorsDisclosed": sorted(m.disclosed_vendors),
            "vendorsDisclosedMaxId": max(m.disclosed_vendors, default=0),
            "publisherConsents": [],
            "publisherLegitimateInterests": [],
            "numCustomPurposes": 0,
        }


def test_languages_and_screens_are_those_of_the_choice():
    day = datetime(2026, 1, 5, tzinfo=UTC)
    [fr, en] = decode(
        [
            tcf.encode(model(((1,), (), (), (), "fr", "page"), day, day)),
            tcf.encode(model(((1,), (), (), (), "en", "embed"), day, day)),
        ]
    )

    assert (fr["consentLanguage"], fr["consentScreen"]) == ("FR", 2)
    assert (en["consentLanguage"], en["consentScreen"]) == ("EN", 4)


def test_the_comparison_catches_a_damaged_string():
    day = datetime(2026, 1, 5, tzinfo=UTC)
    good = tcf.encode(model(((1, 2, 3), (1,), (7,), (7,), "fr", "banner"), day, day))
    core = good.split(".")[0]
    truncated = core[: len(core) - 8]

    [whole, cut] = decode([good, truncated])

    assert whole["purposeConsents"] == [1, 2, 3]
    assert whole["vendorsDisclosed"] == [7]
    assert "error" in cut or cut["vendorConsents"] != [7] or cut["segments"] != 3


def test_vendor_lists_take_the_shorter_of_bit_field_and_ranges():
    bits = tcf.Bits()
    bits.vendors(range(100, 400))
    ranged = "".join(bits.parts)
    bits = tcf.Bits()
    bits.vendors([1, 3, 5])
    field = "".join(bits.parts)

    assert ranged[16] == "1"
    assert len(ranged) == 16 + 1 + 12 + 33
    assert field[16] == "0"
    assert len(field) == 16 + 1 + 5


def test_values_that_do_not_fit_are_refused_rather_than_truncated():
    day = datetime(2026, 1, 5, tzinfo=UTC)
    base = model(((1,), (), (), (), "fr", "banner"), day, day)

    with pytest.raises(ValueError, match=r"outside 1\.\.24"):
        tcf.encode(tcf.TCModel(**{**base.__dict__, "purpose_consents": frozenset({25})}))
    with pytest.raises(ValueError, match="does not fit in 12 bits"):
        tcf.encode(tcf.TCModel(**{**base.__dict__, "cmp_id": 4096}))
    with pytest.raises(ValueError, match="is not two letters"):
        tcf.encode(tcf.TCModel(**{**base.__dict__, "consent_language": "F1"}))


def test_accepting_a_category_consents_exactly_its_iab_purposes_and_vendors():
    vendors = {755: "advertising", 21: "journey"}

    ads = choices.build([], purposes=[2, 3], vendors=vendors)
    everything = choices.accept_all(gpc=False, vendors=vendors)
    under_gpc = choices.accept_all(gpc=True, vendors=vendors)

    assert ads.categories == {"advertising"}
    assert ads.purposes == {2, 3}
    assert ads.vendors == {755}
    assert everything.purposes == set(range(1, 11))
    assert everything.features == {1, 2}
    assert everything.vendors == {755, 21}
    assert "advertising" not in under_gpc.categories
    assert under_gpc.vendors == {21}
    assert under_gpc.purposes == {1, 5, 6, 8, 9, 10}


@pytest.mark.django_db
def test_the_strings_written_for_real_choices_decode_to_those_choices(client, settings):
    settings.CHARTE_TCF = {**CONF, "vendors": {755: "advertising", 21: "journey", 8: "journey"}}
    url = reverse("cookies:preferences")
    posts = [
        ({"action": "accept"}, {}),
        ({"action": "refuse"}, {}),
        ({"action": "accept"}, {"HTTP_SEC_GPC": "1"}),
        ({"action": "custom", "category": ["advertising"]}, {}),
        ({"action": "custom", "purpose": ["9", "10"], "feature": ["2"]}, {}),
        ({"action": "grant", "category": ["journey"]}, {}),
    ]
    for data, headers in posts:
        client.post(url, data, HTTP_ACCEPT="application/json", **headers)
    records = list(ConsentRecord.objects.order_by("at", "id"))

    decoded = decode([r.tc_string for r in records])

    first_day = records[0].at.date().isoformat()
    for record, got in zip(records, decoded, strict=True):
        assert got["purposeConsents"] == record.iab_purposes
        assert got["specialFeatureOptins"] == record.iab_special_features
        assert got["vendorConsents"] == record.vendors
        assert got["vendorsDisclosed"] == [8, 21, 755]
        assert got["created"].startswith(first_day)  # the browser's first choice
        assert got["lastUpdated"].startswith(record.at.date().isoformat())
        assert got["consentScreen"] == tcf.CONSENT_SCREEN[record.method]
        assert got["cmpId"] == 300
    assert [r.vendors for r in records] == [[8, 21, 755], [], [8, 21], [755], [8, 21], [8, 21]]
