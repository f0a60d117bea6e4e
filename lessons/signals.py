"""Signal receivers for the lessons app."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from lessons.progress import progress_merge_guest


@receiver(user_logged_in, dispatch_uid="lessons_merge_guest_progress")
def merge_guest_progress(sender, request, user, **kwargs) -> None:
    """Log-in and sign-up both end here: the guest's reading follows them in."""
    if request is not None and hasattr(request, "session"):
        progress_merge_guest(user=user, session=request.session)
