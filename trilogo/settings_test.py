"""Test settings: the real settings in DEBUG mode, with fast hashing and private temp media."""

import os
import tempfile

os.environ.setdefault("DEBUG", "1")

from .settings import *  # noqa: E402,F403

# Argon2 is deliberately slow; tests create hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="trilogo-test-media-"))  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# A file, not SQLite's shared in-memory database: the browser tests' live server
# serves requests from several threads, which one in-memory connection cannot.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _test_db = Path(tempfile.mkdtemp(prefix="trilogo-test-db-")) / "test.sqlite3"  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}  # noqa: F405
