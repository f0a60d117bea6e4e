"""Static files: whitenoise's compressed, hashed storage, with each URL worked out once."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Each file's hashed URL is looked up once per process, then remembered.

    The manifest is read when the process starts and doesn't change while it
    serves, so a name always has the same URL. Every page links four static
    files, and looking each one up again cost about as much as a small query.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:  # collectstatic asks for fresh answers
            return super().url(name, force=True)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)  # a missing file raises, and isn't kept
            return url
