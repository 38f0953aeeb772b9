"""The publication allow-list: licence statements as written in the wild, matched to it."""

from __future__ import annotations

import json

import pytest

from caravan.release.licences import DEFAULT, DEFAULT_ALLOW_LIST, KINDS, NOT_STATED, AllowList, licence_kind
from tests.conftest import SAMPLE_CORPUS, SAMPLE_STEM


@pytest.mark.parametrize("statement, kind", [
    ("public domain (VOA, U.S. government work)", "public domain"),
    ("Public domain (work of the U.S. Government, Voice of America)", "public domain"),
    ("Public Domain Mark 1.0", "public domain"),
    ("https://creativecommons.org/publicdomain/mark/1.0/", "public domain"),
    ("CC0", "CC0"),
    ("CC0 1.0 Universal Public Domain Dedication", "CC0"),  # CC0's own name: not two kinds
    ("cc-zero", "CC0"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0"),
    ("CC BY 4.0", "CC BY"),
    ("CC-BY-4.0", "CC BY"),  # SPDX
    ("© 2024 Steppe Wire. Licensed under CC BY 2.0", "CC BY"),
    ("Creative Commons Attribution 4.0 International", "CC BY"),
    ("CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)", "CC BY"),
    ("https://creativecommons.org/licenses/by-sa/4.0/", "CC BY-SA"),
    ("http://creativecommons.org/licences/by-sa/3.0/deed.en", "CC BY-SA"),
    ("cc by sa", "CC BY-SA"),
    ("CC BY-NC 4.0", "CC BY-NC"),
    ("CC BY-ND", "CC BY-ND"),
    ("Creative Commons Attribution-No Derivatives 4.0", "CC BY-ND"),
    ("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International", "CC BY-NC-SA"),
    ("http://creativecommons.org/licenses/by-nd-nc/1.0/", "CC BY-NC-ND"),  # CC's 1.0 element order
])
def test_licence_statements_are_recognised_by_kind(statement: str, kind: str):
    assert licence_kind(statement) == kind


@pytest.mark.parametrize("statement", [
    None, "", "   ", "all rights reserved", "© 2024 Fergana News. All rights reserved.", "copyright",
    "Creative Commons",  # which one?
    "Not in the public domain", "U.S. government work",
    "CC BY-SA 4.0; photos CC BY-NC 4.0",  # two licences: which applies to the text is not said
    "CC BY-SA-ND",  # no such licence
    "https://creativecommons.org/licenses/sampling/1.0/",  # retired, not a BY licence
    "https://example.org/licence",
])
def test_statements_naming_no_single_licence_are_no_kind(statement):
    assert licence_kind(statement) is None


def test_the_default_allow_list_publishes_public_domain_cc0_by_and_by_sa_only():
    assert DEFAULT.kinds == {"public domain", "CC0", "CC BY", "CC BY-SA"}
    assert DEFAULT.describe() == "public domain, CC0, CC BY, CC BY-SA"
    assert DEFAULT.withheld_reason("public domain (VOA, U.S. government work)") is None
    assert DEFAULT.withheld_reason("https://creativecommons.org/licenses/by/4.0/") is None
    assert DEFAULT.withheld_reason("CC BY-NC 4.0") == "licence 'CC BY-NC 4.0' is not on the publication allow-list"
    assert DEFAULT.withheld_reason("CC BY-ND") == "licence 'CC BY-ND' is not on the publication allow-list"
    assert DEFAULT.withheld_reason("all rights reserved") == \
        "licence 'all rights reserved' is not on the publication allow-list"
    assert DEFAULT.withheld_reason(None) == DEFAULT.withheld_reason(" ") == NOT_STATED == "licence not stated"
    long = "Reproduction of this article in whole or in part is permitted only with the written consent of the editors " * 3
    reason = DEFAULT.withheld_reason(long)
    assert reason.startswith("licence 'Reproduction of this article") and len(reason) < 160


def test_the_sample_article_is_on_the_default_allow_list():
    meta = json.loads((SAMPLE_CORPUS / f"{SAMPLE_STEM}.meta.json").read_text(encoding="utf-8"))
    assert DEFAULT.withheld_reason(meta["license"]) is None


def test_an_allow_list_is_written_in_the_words_of_licences():
    allowed = AllowList.of(["Public domain", "https://creativecommons.org/licenses/by/4.0/", "CC BY-NC"])
    assert allowed.kinds == {"public domain", "CC BY", "CC BY-NC"}
    assert allowed.withheld_reason("CC BY-NC-SA 4.0") is not None  # NC-SA is not NC
    assert allowed.withheld_reason("CC BY-NC 4.0") is None
    assert AllowList.of([]).describe() == "none"
    assert AllowList.of(DEFAULT_ALLOW_LIST) == DEFAULT and set(DEFAULT_ALLOW_LIST) <= set(KINDS)
    with pytest.raises(ValueError, match="'all rights reserved' is not a licence caravan recognises"):
        AllowList.of(["CC BY", "all rights reserved"])


def test_the_releases_resource_sets_the_allow_list(monkeypatch):
    from assets.resources import ReleasesResource

    monkeypatch.delenv("CARAVAN_PUBLISH_LICENCES", raising=False)
    assert ReleasesResource().allowed_licences() == DEFAULT
    monkeypatch.setenv("CARAVAN_PUBLISH_LICENCES", "public domain, CC BY-NC")
    assert ReleasesResource().allowed_licences().kinds == {"public domain", "CC BY-NC"}
    # The resource's own setting comes first; an empty list publishes no text at all.
    assert ReleasesResource(publish_licences=["CC0"]).allowed_licences().kinds == {"CC0"}
    assert ReleasesResource(publish_licences=[]).allowed_licences().kinds == frozenset()
    monkeypatch.setenv("CARAVAN_PUBLISH_LICENCES", "CC BY, CC BY-SAX")
    with pytest.raises(ValueError, match="'CC BY-SAX' is not a licence"):
        ReleasesResource().allowed_licences()
