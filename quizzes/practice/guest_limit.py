"""How fast one address may post guest answers (practice, the matrix drill, classify sheets).

Anyone can post a guest answer, so a script could fill the answers table; past
GUEST_ANSWER_LIMIT answers in GUEST_ANSWER_WINDOW seconds from one address (as
TRUSTED_PROXY_COUNT lets us read it), the answer is refused with 429 and nothing
is stored. The three kinds of answer share one allowance. Signed-in learners
are never limited: signing in is the way past the limit.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from srm_site.shared.client_ip import client_ip
from srm_site.shared.http import HtmxHttpRequest
from srm_site.shared.rate_limit import rate_limit_wait

TOO_FAST_STATUS = 429  # Too Many Requests


def guest_answer_wait(request: HttpRequest) -> int:
    """Count a guest's answer: 0 when it may be stored, else the seconds to wait first.

    Signed-in learners always get 0 and aren't counted; so does everyone when the
    limit is 0 (off).
    """
    limit = settings.GUEST_ANSWER_LIMIT
    if request.user.is_authenticated or limit <= 0:
        return 0
    window = max(1, settings.GUEST_ANSWER_WINDOW)
    return rate_limit_wait("guest-answers", client_ip(request) or "", limit=limit, window=window)


def too_fast_message(request: HtmxHttpRequest, wait: int, *, here: str) -> SafeString:
    """What a refused guest reads: why, how long to wait, and the way round (signing in).

    Signing in comes back to the page the learner is on (htmx says which: a
    lesson's check box, say), else to `here`.
    """
    sign_in = redirect_to_login(request.htmx.current_url_abs_path or here).url
    seconds = "1 second" if wait == 1 else f"{wait} seconds"
    return format_html(
        "You’re answering faster than we can keep up with, so this answer wasn’t "
        'checked or saved. Wait {} and send it again, or <a href="{}">sign in</a> '
        "to keep going without waiting.",
        seconds,
        sign_in,
    )


def too_fast(response: HttpResponse, wait: int) -> HttpResponse:
    """The refusal's response, told when the guest may try again."""
    response.status_code = TOO_FAST_STATUS
    response.headers["Retry-After"] = str(wait)
    return response
