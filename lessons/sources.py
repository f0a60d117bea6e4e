"""Where a fact comes from: links to the AWS pages that support it.

Every matrix cell and every published question names at least one AWS page, so
a learner (or a reviewer) can check the fact at its source. Only AWS's own
sites count: a blog that agrees with us is not the authority.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError

AWS_SOURCE_HOSTS = ("docs.aws.amazon.com", "aws.amazon.com", "repost.aws")


def is_aws_source(url: str) -> bool:
    """True for an https link to AWS documentation, aws.amazon.com or AWS re:Post."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and parts.hostname in AWS_SOURCE_HOSTS and not parts.username


def validate_aws_source(url: str) -> None:
    """Model and form validator for one source link."""
    if url and not is_aws_source(url):
        hosts = ", ".join(AWS_SOURCE_HOSTS)
        raise ValidationError(
            f"“{url}” is not an AWS page: a source must be an https link on {hosts}.",
            code="not_aws_source",
        )


@dataclass(frozen=True)
class Source:
    """One supporting page, as a learner sees it under an answer."""

    url: str
    title: str


def sources_from_data(data: object) -> list[Source]:
    """Sources as stored (a list of {"url", "title"}); anything malformed is dropped."""
    if not isinstance(data, list):
        return []
    return [
        Source(url=item["url"], title=str(item.get("title") or "").strip())
        for item in data
        if isinstance(item, dict) and isinstance(item.get("url"), str)
    ]


def sources_to_lines(data: object) -> str:
    """Sources as text, one per line: the link, a space, the title (admin and CSV)."""
    return "\n".join(f"{s.url} {s.title}".strip() for s in sources_from_data(data))


def sources_from_lines(text: str) -> list[dict[str, str]]:
    """The inverse of `sources_to_lines`; blank lines are skipped."""
    sources = []
    for line in text.splitlines():
        url, _, title = line.strip().partition(" ")
        if url:
            sources.append({"url": url, "title": title.strip()})
    return sources


def source_list_problems(data: object) -> list[str]:
    """Everything wrong with a stored list of sources, in words an instructor can act on."""
    if not isinstance(data, list):
        return ['Sources must be a list of {"url": …, "title": …} objects.']
    problems = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            problems.append(f"Source {number} needs a “url”.")
        elif not is_aws_source(item["url"]):
            problems.append(
                f"Source {number} (“{item['url']}”) is not an AWS page: use an https link on "
                + ", ".join(AWS_SOURCE_HOSTS)
                + "."
            )
        elif not isinstance(item.get("title", ""), str):
            problems.append(f"Source {number}: the title must be text.")
    return problems


def validate_source_list(data: object) -> None:
    """Model validator for a JSON list of sources."""
    if problems := source_list_problems(data):
        raise ValidationError(problems, code="bad_sources")


class SourceLinesField(forms.Field):
    """A list of sources edited as text: one per line, the link first, then its title."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 80})
    default_help_text = (
        "One AWS page per line: the https link, a space, then the page's title, e.g. "
        "“https://docs.aws.amazon.com/workspaces/latest/adminguide/update-management.html "
        "WorkSpaces: update management”."
    )

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: object) -> str:
        return value if isinstance(value, str) else sources_to_lines(value)

    def to_python(self, value: object) -> list[dict[str, str]]:
        return value if isinstance(value, list) else sources_from_lines(str(value or ""))

    def validate(self, value: list[dict[str, str]]) -> None:
        super().validate(value)
        validate_source_list(value)
