"""A python-markdown extension that turns cross-references into links (imported on first render)."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

from holbrook_desktop.core.content.handbook import Policy
from holbrook_desktop.core.content.locations import location_of
from holbrook_desktop.core.content.references import REFERENCE, find_references


class CrossReferenceProcessor(InlineProcessor):
    """Each target of a reference becomes a link, or is marked when the policy lacks it."""

    def __init__(self, current_policy: Callable[[], Policy | None]) -> None:
        super().__init__(REFERENCE.pattern)
        self.compiled_re = REFERENCE  # the very pattern the checker uses, flags and all
        self._current_policy = current_policy

    def handleMatch(self, m, data):
        policy = self._current_policy()
        text = m.group(0)
        wrapper = etree.Element("span")
        cursor = 0
        last: etree.Element | None = None
        for ref in find_references(text):
            # AtomicString: python-markdown must not look for references inside a link again.
            between = AtomicString(text[cursor:ref.start])
            if last is None:
                wrapper.text = between
            else:
                last.tail = between
            target = location_of(policy, ref.target) if policy else None
            if target:
                last = etree.SubElement(wrapper, "a", {"href": target.href})
            else:
                last = etree.SubElement(wrapper, "span", {
                    "class": "missing-reference",
                    "title": f"This policy has no {ref.kind} {ref.target}",
                })
            last.text = AtomicString(text[ref.start:ref.end])
            cursor = ref.end
        if last is not None:
            last.tail = AtomicString(text[cursor:])
        return wrapper, m.start(0), m.end(0)


class CrossReferenceExtension(Extension):
    def __init__(self, current_policy: Callable[[], Policy | None]) -> None:
        super().__init__()
        self._current_policy = current_policy

    def extendMarkdown(self, md: Markdown) -> None:
        md.inlinePatterns.register(CrossReferenceProcessor(self._current_policy), "cross-reference", 65)
