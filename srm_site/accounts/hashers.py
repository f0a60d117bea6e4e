"""How passwords are hashed."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum: 19 MiB of memory, 2 passes, 1 lane.

    Django's own defaults (100 MiB, 8 lanes) cost several times more per sign-in;
    on a two-core server a class signing in at once queued behind PBKDF2 and would
    queue behind those too. Hashes made with other parameters, or by PBKDF2, still
    check, and are rehashed with these at the learner's next sign-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
