"""Block tags on their own line leave no trace; a tag that ends a line of text keeps the line
break, so an ``{% if %}`` never glues two sentences or two paragraphs together (issue 16, 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kommunrapport.errors import KommunrapportError, Location
from kommunrapport.text.templating import (
    keep_text_newlines,
    make_environment,
    render_string,
    render_template,
)

from .small_packages import build_html, html_main, write_small_package


def render(text: str, **context: object) -> str:
    env = make_environment([], str)
    return render_string(env, text, context, Location("test.md"))


@pytest.mark.parametrize("shown", [True, False])
def test_block_tags_alone_on_their_line_leave_no_trace(shown: bool) -> None:
    text = "Första.\n{% if a %}\nAndra.\n{% endif %}\nTredje.\n"
    expected = "Första.\nAndra.\nTredje.\n" if shown else "Första.\nTredje.\n"
    assert render(text, a=shown) == expected


def test_indented_tags_and_comments_alone_leave_no_trace() -> None:
    text = "- a\n  {% if a %}\n- b\n  {# kommentar #}\n  {% endif %}\n- c\n"
    assert render(text, a=True) == "- a\n- b\n- c\n"


def test_a_conditional_paragraph_stays_a_paragraph() -> None:
    text = "Första stycket.\n\n{% if a %}Andra stycket.{% endif %}\n\nTredje stycket.\n"
    assert render(text, a=True) == "Första stycket.\n\nAndra stycket.\n\nTredje stycket.\n"
    assert render(text, a=False) == "Första stycket.\n\n\n\nTredje stycket.\n"


def test_a_condition_at_the_end_of_a_line_keeps_the_line_break() -> None:
    text = "Meningen fortsätter {% if a %}med ett villkor{% endif %}\noch slutar här.\n"
    assert render(text, a=True) == "Meningen fortsätter med ett villkor\noch slutar här.\n"
    text = "Ett {# kommentar #}\ntvå\n"
    assert render(text) == "Ett \ntvå\n"


def test_explicit_whitespace_control_is_left_as_written() -> None:
    assert render("Text.\n{%- if a %}\nMer.\n{%- endif %}\nSlut.\n", a=True) == "Text.Mer.Slut.\n"
    assert keep_text_newlines("a {% if b -%}\nc") == "a {% if b -%}\nc"
    assert keep_text_newlines("a {% if b +%}\nc") == "a {% if b +%}\nc"


def test_raw_blocks_are_left_alone() -> None:
    text = "{% raw %}x {% if %}\n{% endraw %}\ny\n"
    assert render(text) == "x {% if %}\ny\n"


def test_multi_line_tags_count_as_one_line() -> None:
    text = "Före.\n{% with a=1,\n        b=2 %}\nI {{ a + b }}.\n{% endwith %}\nEfter.\n"
    assert render(text) == "Före.\nI 3.\nEfter.\n"


def test_line_numbers_of_errors_are_unchanged(tmp_path: Path) -> None:
    env = make_environment([tmp_path], lambda p: p.name)
    (tmp_path / "avsnitt.md").write_text(
        "Ett {% if a %}x{% endif %}\ntvå {# k #}\n{% if a %}\nfyra {{ okänd }}\n{% endif %}\n",
        encoding="utf-8",
    )
    with pytest.raises(KommunrapportError) as caught:
        render_template(env, "avsnitt.md", {"a": True}, "avsnitt.md")
    assert caught.value.location.line == 4


def test_built_report_keeps_sentences_and_paragraphs_apart(tmp_path: Path) -> None:
    section = """\
        Första stycket.

        {% if år > 2000 %}Andra stycket.{% endif %}

        Tredje stycket fortsätter {% if år > 2000 %}med ett villkor{% endif %}
        och slutar här.

        {% if år > 2000 %}
        Fjärde stycket.
        {% endif %}
        Femte meningen.
        """
    package = write_small_package(tmp_path, section=section)
    main = html_main(build_html(package))
    paragraphs = [" ".join(p.get_text().split()) for p in main.find_all("p")]
    assert paragraphs == [
        "Första stycket.",
        "Andra stycket.",
        "Tredje stycket fortsätter med ett villkor och slutar här.",
        "Fjärde stycket. Femte meningen.",
    ]
