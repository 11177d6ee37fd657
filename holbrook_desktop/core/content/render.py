"""Policy text → HTML for the reader and for printing (python-markdown plus a cross-reference link)."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from holbrook_desktop.core.content.handbook import Clause, Policy, Section
from holbrook_desktop.core.content.locations import SCHEME, Location, clause_anchor, location_of, parse_href
from holbrook_desktop.core.dates import for_people

if TYPE_CHECKING:
    import markdown

PAGE_END_ANCHOR = "page-end"
# Re-exported: the reader, the service and the tests know these as render's.
__all__ = ["PAGE_END_ANCHOR", "SCHEME", "Location", "PolicyRenderer", "clause_anchor", "location_of",
           "parse_href"]


class PolicyRenderer:
    """Renders sections to HTML; keeps one Markdown converter and a page cache per version."""

    def __init__(self) -> None:
        self._markdown: markdown.Markdown | None = None
        self._policy: Policy | None = None
        self._pages: dict[tuple[str, str], str] = {}

    def _converter(self) -> markdown.Markdown:
        if self._markdown is None:
            # Imported here: python-markdown costs ~25 ms, which start-up does not need to pay
            # before the window exists.
            import markdown
            from markdown.extensions.sane_lists import SaneListExtension

            from holbrook_desktop.core.content.reference_links import CrossReferenceExtension

            # Extension objects, not names: a name makes python-markdown scan every installed
            # package's entry points (importlib.metadata), which alone cost ~30 ms at start-up.
            self._markdown = markdown.Markdown(
                extensions=[SaneListExtension(), CrossReferenceExtension(lambda: self._policy)]
            )
        return self._markdown

    def clause_html(self, policy: Policy, clause: Clause, *, show_number: bool = True) -> str:
        self._policy = policy
        converter = self._converter()
        converter.reset()
        body = converter.convert(clause.text)
        number = ""
        if show_number and clause.number != clause.section_number:
            number = f'<span class="clause-number">{html.escape(clause.number)}</span>&nbsp; '
        # The anchor goes inside the first paragraph: Qt keeps anchor names only on text.
        anchor = f'<a name="{clause_anchor(clause.number)}"></a>'
        if body.startswith("<p>"):
            body = f"<p>{anchor}{number}{body[3:]}"
        else:
            body = f"<p>{anchor}{number or '&nbsp;'}</p>{body}"
        heading = f"<h3>{html.escape(clause.heading)}</h3>" if clause.heading else ""
        return f"{heading}{body}\n"

    def section_page(self, policy: Policy, section: Section) -> str:
        key = (policy.sha256, section.number)
        if key not in self._pages:
            self._pages[key] = self._render_page(policy, section)
        return self._pages[key]

    def _render_page(self, policy: Policy, section: Section) -> str:
        parts = [f'<p class="crumbs">{html.escape(policy.title)} · {html.escape(policy.meta.version)}'
                 "</p>", _section_heading(section, "h1")]
        parts += [self.clause_html(policy, clause) for clause in section.clauses]
        if section.children:
            items = "".join(
                f'<li><a href="{Location(policy.id, child.number).href}">'
                f"{html.escape(child.heading)}</a></li>"
                for child in section.children
            )
            parts.append(f'<ul class="parts">{items}</ul>')
        parts.append(_page_footer(policy, section))
        return "\n".join(parts)

    def policy_document(self, policy: Policy) -> str:
        """The whole policy as one document, for printing and saving as PDF."""
        meta = policy.meta
        parts = [
            f"<h1>{html.escape(meta.title)}</h1>",
            f'<p class="meta">{html.escape(meta.school)} · {html.escape(meta.version)} · '
            f"effective {for_people(meta.effective)} · review {for_people(meta.review)} · "
            f"owner: {html.escape(meta.owner)}<br/>Version SHA-256: {policy.sha256}</p>",
        ]
        for section in policy.all_sections():
            parts.append(_section_heading(section, "h2" if section.parent_number is None else "h3"))
            parts += [self.clause_html(policy, clause) for clause in section.clauses]
        # On paper and in a PDF, a cross-reference points within the document, not into the app.
        return _IN_APP_LINK.sub(_document_link, "\n".join(parts))


_IN_APP_LINK = re.compile(rf'href="{SCHEME}:[^/"]+/([^"#]+)(?:#([^"]+))?"')


def _document_link(match: re.Match[str]) -> str:
    section, fragment = match.groups()
    return f'href="#{fragment or "s-" + section}"'


def _section_heading(section: Section, tag: str) -> str:
    anchor = f'<a name="s-{html.escape(section.number)}"></a>'
    if section.is_appendix:
        title = (f'<span class="section-number">Appendix {html.escape(section.number)}</span>'
                 f"<br/>{html.escape(section.title)}")
    else:
        title = (f'<span class="section-number">{html.escape(section.label)}</span>&nbsp; '
                 f"{html.escape(section.title)}")
    return f"<{tag}>{anchor}{title}</{tag}>"


def _page_footer(policy: Policy, section: Section) -> str:
    order = list(policy.all_sections())
    index = next(i for i, s in enumerate(order) if s is section)
    links = []
    if index > 0:
        previous = order[index - 1]
        links.append(f'<a href="{Location(policy.id, previous.number).href}">← '
                     f"{html.escape(previous.heading)}</a>")
    if index + 1 < len(order):
        following = order[index + 1]
        links.append(f'Next: <a href="{Location(policy.id, following.number).href}">'
                     f"{html.escape(following.heading)} →</a>")
    # page-end tells the reader where the last clause stops.
    nav = " &nbsp;&nbsp;|&nbsp;&nbsp; ".join(links)
    return f'<hr/><p class="page-nav"><a name="{PAGE_END_ANCHOR}"></a>{nav}</p>'
