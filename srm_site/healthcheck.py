"""Container health probe: `python -m srm_site.healthcheck` exits 0 when /healthz says ok.

Sends a Host header Django accepts (the first ALLOWED_HOSTS entry), since the
probe connects to 127.0.0.1, which production ALLOWED_HOSTS usually leave out.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".")
    if host in ("", "*"):
        host = "localhost"
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz", headers={"Host": host}
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 and response.read() == b"ok" else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
