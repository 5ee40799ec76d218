"""The production static storage looks each URL up once per process and answers
exactly what whitenoise's manifest storage answers."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from trilogo.static_storage import StaticFilesStorage

MANIFEST = {"paths": {"css/app.css": "css/app.0123456789ab.css"}, "version": "1.1", "hash": "x"}


@pytest.fixture
def root(tmp_path, settings):
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    return tmp_path


def test_it_answers_the_manifest_storage_url_once_looked_up(root, monkeypatch):
    ours = StaticFilesStorage(location=root, base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=root, base_url="/static/")
    assert ours.url("css/app.css") == theirs.url("css/app.css") == "/static/css/app.0123456789ab.css"
    assert ours.url("css/app.css?v=1#top") == theirs.url("css/app.css?v=1#top")

    looked_up = []
    parent = CompressedManifestStaticFilesStorage.url
    monkeypatch.setattr(
        CompressedManifestStaticFilesStorage, "url", lambda *a, **k: looked_up.append(a) or parent(*a, **k)
    )
    for _ in range(3):
        assert ours.url("css/app.css") == "/static/css/app.0123456789ab.css"
    assert looked_up == []  # remembered
    assert ours.url("css/app.css", force=True) == theirs.url("css/app.css", force=True)
    assert len(looked_up) == 2  # force is its own lookup (ours, then theirs)


def test_a_file_missing_from_the_manifest_still_fails_every_time(root):
    ours = StaticFilesStorage(location=root, base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("css/missing.css")
