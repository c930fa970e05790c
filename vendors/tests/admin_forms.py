"""Build the POST data of a Wagtail admin form from its rendered HTML, as a browser would
submit it without changes; tests then change what they mean to change. This keeps the admin
tests independent of the exact panels of a page type."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.depth = 0
        self.data: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._textarea_value: list[str] = []
        self._select: str | None = None
        self._select_multiple = False
        self._select_chosen: list[str] = []
        self._select_first: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.in_form = True
            return
        if not self.in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self.data.append((name, attributes.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.data.append((name, attributes.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._textarea_value = []
        elif tag == "select" and name:
            self._select = name
            self._select_multiple = "multiple" in attributes
            self._select_chosen = []
            self._select_first = None
        elif tag == "option" and self._select:
            value = attributes.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attributes:
                self._select_chosen.append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea_value.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea" and self._textarea is not None:
            self.data.append((self._textarea, "".join(self._textarea_value).lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select_chosen
            if not chosen and not self._select_multiple and self._select_first is not None:
                chosen = [self._select_first]
            self.data.extend((self._select, value) for value in chosen)
            self._select = None


def admin_form_data(html: str, *, form_id: str = "page-edit-form") -> dict:
    """The form's fields as a dict for the test client (lists for repeated names)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    data: dict = {}
    for name, value in parser.data:
        if name in data:
            existing = data[name]
            data[name] = existing + [value] if isinstance(existing, list) else [existing, value]
        else:
            data[name] = value
    return data


def page_edit_data(client, page, **changes) -> dict:
    """GET the page's edit view as `client`'s user and return its POST data with `changes`.

    Empty StreamFields render no inputs without JavaScript; their count is added as 0."""
    from django.urls import reverse
    from wagtail.fields import StreamField

    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200, response.status_code
    data = admin_form_data(response.content.decode())
    for field in page.specific_class._meta.get_fields():
        if isinstance(field, StreamField) and f"{field.name}-count" not in data:
            assert not getattr(page.specific, field.name), "only empty StreamFields are supported"
            data[f"{field.name}-count"] = "0"
    data.update(changes)
    return data
