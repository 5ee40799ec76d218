"""The production static files storage: whitenoise's compressed manifest storage,
with each file's URL looked up once per process.

A page asks for seven static URLs, and each lookup (the manifest, ``urlsplit``,
``urljoin``) cost about 35 µs (bench/README.md). The manifest is read when the
process starts and does not change under it (``collectstatic`` writes a new one
for the next start), so neither do the URLs.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        key = (name, force)
        if key not in self._urls:
            self._urls[key] = super().url(name, force)
        return self._urls[key]
