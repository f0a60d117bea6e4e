"""The production static storage: hashed URLs from the manifest, each looked up once."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from srm_site.storage import StaticStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.STATIC_URL = "/static/"
    manifest = {"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticStorage(location=tmp_path, base_url="/static/")


def test_serves_the_hashed_name_from_the_manifest(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_looks_each_name_up_once(storage):
    with mock.patch.object(
        CompressedManifestStaticFilesStorage, "url", autospec=True, return_value="/static/x.css"
    ) as lookup:
        first = storage.url("css/other.css")
        second = storage.url("css/other.css")
    assert first == second == "/static/x.css"
    assert lookup.call_count == 1


def test_a_file_missing_from_the_manifest_is_an_error_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
