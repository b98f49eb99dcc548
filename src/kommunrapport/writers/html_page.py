"""The page around an HTML document's body: ``html/sida.html.j2`` and ``html/stil.css``.

The page template renders in the same sandbox as every other template. The toolkit's own page
template is trusted markup; a page template that a package or a report repository supplies is
not, so its output is sanitised like section text: its ``<head>`` is rebuilt from a title, plain
``<meta name=…>`` lines and style sheets, and its ``<body>`` keeps only an allow-list of
elements and attributes (no scripts, frames, forms, event handlers or ``javascript:`` links).
The document's body, already sanitised, is put in after that, as is the style sheet, in which
``<`` is escaped so that it cannot end the ``<style>`` element.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Mapping, Set
from typing import Any

import lxml.html
import nh3
from markupsafe import Markup

from ..errors import Location
from ..project.package import is_builtin_copy
from ..project.paths import builtin_templates_dir
from ..project.source_files import TemplateFolders, real_path
from ..text.markdown_text import PROVENANCE
from ..text.templating import page_environment, render_template

PAGE_TEMPLATE = "html/sida.html.j2"
STYLESHEET = "html/stil.css"
PAGE_TAGS = {"nav", "header", "main", "footer", "aside", "article", "address", "time"}
PAGE_ATTRIBUTES = {"tabindex"}
META_NAMES = re.compile(r"^(viewport|author|generator|description|keywords|dcterms\.[a-z]+)$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Stand-ins for the body and the style sheet while a package's page is sanitised: plain text
# that the sanitiser keeps as it is.
BODY_MARK = "KOMMUNRAPPORT-DOKUMENTETS-INNEHALL-4f1c"
CSS_MARK = "KOMMUNRAPPORT-STILMALL-4f1c"


def css_for_style_element(css: str) -> str:
    """A style sheet that cannot close its ``<style>`` element: ``<`` becomes the CSS escape
    ``\\3c`` (which means the same character wherever CSS allows one)."""
    return css.replace("<", "\\3c ")


def _trusted(templates: TemplateFolders, name: str) -> bool:
    """The toolkit's own page template (it includes nothing, so the same bytes render the same
    page): the installed one, or a byte-identical copy at the same place in a repository."""
    found = templates.find(name)
    if found is None:
        return False
    if real_path(found).is_relative_to(real_path(builtin_templates_dir())):
        return True
    return is_builtin_copy(templates.files, found, name)


def render_page(
    templates: TemplateFolders,
    body: str,
    context: Mapping[str, Any],
    tags: Set[str],
    attributes: Mapping[str, Set[str]],
) -> str:
    """The whole page. ``body`` is the sanitised document; ``tags`` and ``attributes`` the
    allow-list it was sanitised with (``"*"`` for every element)."""
    env = page_environment(templates)
    css = templates.read_text(STYLESHEET, Location(STYLESHEET)) or ""
    if _trusted(templates, PAGE_TEMPLATE):
        values = {**context, "body": Markup(body), "css": Markup(css_for_style_element(css))}
        return render_template(env, PAGE_TEMPLATE, values, PAGE_TEMPLATE)
    values = {**context, "body": Markup(BODY_MARK), "css": Markup(CSS_MARK)}
    page = render_template(env, PAGE_TEMPLATE, values, PAGE_TEMPLATE)
    clean = sanitize_page(page, tags, attributes)
    clean = clean.replace(CSS_MARK, css_for_style_element(css))
    return clean.replace(BODY_MARK, body, 1).replace(BODY_MARK, "")


def _no_forged_source(_tag: str, attribute: str, value: str) -> str | None:
    """A figure's source (data-kalla) comes from the build, never from a page template."""
    return None if attribute.lower() == PROVENANCE else value


def sanitize_page(page: str, tags: Set[str], attributes: Mapping[str, Set[str]]) -> str:
    """A page from a template the toolkit does not ship, with only safe markup left."""
    document = lxml.html.document_fromstring(page)
    language = document.get("lang", "sv")
    if not _LANGUAGE.match(language):
        language = "sv"
    head = ['<meta charset="utf-8">']
    for element in document.iter("title", "meta", "style"):
        if element.tag == "title":
            head.append(f"<title>{html_text.escape(element.text_content())}</title>")
        elif element.tag == "meta":
            name, content = element.get("name", ""), element.get("content")
            if META_NAMES.match(name) and content is not None:
                head.append(
                    f'<meta name="{html_text.escape(name)}" content="{html_text.escape(content)}">'
                )
        elif element.getparent() is not None and element.getparent().tag == "head":
            head.append(f"<style>\n{css_for_style_element(element.text or '')}\n</style>")
    body = document.find("body")
    inner = ""
    if body is not None:
        inner = html_text.escape(body.text or "")
        inner += "".join(
            lxml.html.tostring(child, encoding="unicode") for child in body if child.tag != "style"
        )
    allowed = {"*": set(attributes.get("*", set())) | PAGE_ATTRIBUTES}
    allowed.update({tag: set(values) for tag, values in attributes.items() if tag != "*"})
    clean = nh3.clean(
        inner,
        tags=set(tags) | PAGE_TAGS,
        attributes=allowed,
        generic_attribute_prefixes={"data-"},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
        attribute_filter=_no_forged_source,
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n'
        + "\n".join(head)
        + f"\n</head>\n<body>\n{clean}\n</body>\n</html>\n"
    )
