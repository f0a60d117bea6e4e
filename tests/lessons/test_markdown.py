"""Lesson Markdown renders tables and links, and never live HTML or script."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.markdown import render_markdown


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, attrs))


def tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def assert_inert(html: str) -> None:
    for tag, attrs in tags(html):
        assert tag not in {"script", "iframe", "object", "embed", "style", "img", "svg"}
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert not (value or "").strip().lower().startswith(("javascript:", "vbscript:"))


def test_tables_render():
    html = render_markdown("| Layer | Owner |\n|---|---|\n| Guest OS | Customer |\n")
    assert "<table>" in html and "<td>Customer</td>" in html


def test_script_tags_are_escaped_not_run():
    html = render_markdown("Hello <script>alert(1)</script>")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_javascript_links_are_not_links():
    html = render_markdown("[click](javascript:alert(1)) and [ok](https://aws.amazon.com/)")
    assert 'href="javascript' not in html
    assert '<a href="https://aws.amazon.com/">ok</a>' in html


def test_event_handler_attributes_stay_text():
    html = render_markdown('<img src=x onerror="alert(1)"> <a href="#" onclick="x()">a</a>')
    assert_inert(html)
    assert "onerror" in html  # shown as text, harmless


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("<>\"'=/:()[]!|-# \nabcjsvOoNnEeRrIiPpTtLlKk&;")),
        max_size=200,
    )
)
def test_no_input_produces_live_markup(text):
    assert_inert(render_markdown(text))


@given(st.sampled_from(["script", "iframe", "img", "svg", "a", "div"]), st.text(max_size=40))
def test_raw_html_of_any_kind_is_escaped(tag, inner):
    assert_inert(render_markdown(f"<{tag} onload=x() href='javascript:y'>{inner}</{tag}>"))


def test_a_table_scrolls_in_a_region_a_keyboard_can_reach():
    html = render_markdown("| Layer | Owner |\n|---|---|\n| Guest OS | Customer |\n")
    wrapper = '<div class="table-scroll" role="region" aria-label="Table" tabindex="0">'
    assert html.startswith(wrapper)
    assert html.rstrip().endswith("</table>\n</div>")
