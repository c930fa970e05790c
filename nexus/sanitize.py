"""Sanitising rich text on its way into the database.

Wagtail stores rich text as HTML and renders it as it is stored. The admin's editor only ever
writes the allowed features, but anything else that writes a page (an import, a script, the
shell, a future API) could store `<script>` or an `onerror` attribute that every visitor's
browser would run. So rich text is cleaned on every save, with nh3 (the Ammonia sanitiser),
down to the elements and attributes of Wagtail's database format.
"""

import re

import nh3
from wagtail import blocks

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "b", "i", "strong", "em", "u", "s",
    "code", "sup", "sub", "blockquote", "ul", "ol", "li", "a", "embed",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    # Wagtail keys each block of rich text for comments and diffs.
    "*": {"data-block-key"},
    # External links keep href (nh3 drops javascript: and other unsafe schemes); internal
    # links are stored as linktype + id and expanded by Wagtail when rendered.
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
}
# html5ever writes <embed> as the void element it is; Wagtail's database format needs "/>".
_EMBED = re.compile(r"<embed(\b[^>]*?)\s*/?>")


def rich_text_clean(html: str) -> str:
    """`html` with every element, attribute and URL scheme outside Wagtail's rich text
    features removed (scripts and styles with their content)."""
    if not html:
        return html
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None)
    return _EMBED.sub(r"<embed\1/>", cleaned)


class SanitizedStreamBlock(blocks.StreamBlock):
    """A StreamBlock whose rich text children are cleaned (`rich_text_clean`) whenever the
    stream is written: saving a page, saving a revision, publishing."""

    def get_prep_value(self, value):
        prepared = super().get_prep_value(value)
        for item in prepared:
            child = self.child_blocks.get(item.get("type"))
            if isinstance(child, blocks.RichTextBlock) and isinstance(item.get("value"), str):
                item["value"] = rich_text_clean(item["value"])
        return prepared
