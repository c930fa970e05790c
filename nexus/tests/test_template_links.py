"""Internal links in templates are reversed (`{% url %}`, `{% pageurl %}`, a page's `url`),
never typed as paths, so moving a URL moves every link to it."""

import re
from pathlib import Path

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
# A link attribute whose value is a typed path: "/…" at its start, or right after one
# `{{ … }}` (an origin such as `{{ site_url }}`). Protocol-relative "//host" is not internal.
TYPED_PATH = re.compile(
    r"""\b(?:href|action|src|formaction|poster)\s*=\s*["']?(?:\{\{[^}]*\}\})?(/(?!/)[^"'\s>]*)"""
)
# Plain-text e-mails put URLs on their own: `{{ site_url }}/orders/`.
TYPED_TEXT_PATH = re.compile(r"\{\{\s*site_url\s*\}\}(/[^\s{\"'<>]*)")
# Paths with no URL name to reverse. (None so far.)
ALLOWED: set[tuple[str, str]] = set()


def project_templates() -> list[Path]:
    folders = [ROOT / "templates"]
    folders += [
        path
        for path in ROOT.glob("*/**/templates")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    ]
    return sorted(
        path for folder in folders for path in folder.rglob("*") if path.suffix in {".html", ".txt"}
    )


def typed_paths(text: str) -> list[str]:
    found = {match.group(1) for match in TYPED_PATH.finditer(text)}
    found |= {match.group(1) for match in TYPED_TEXT_PATH.finditer(text)}
    return sorted(found)


def test_the_scan_sees_the_project_templates_and_typed_paths():
    names = {path.relative_to(ROOT).as_posix() for path in project_templates()}
    assert {
        "templates/includes/header.html",
        "templates/404.html",
        "templates/500.html",
        "templates/emails/base.html",
        "templates/emails/vendor_new_order.txt",
        "graphql_api/templates/graphql/graphiql.html",
    } <= names
    assert typed_paths('<a href="/cart/">') == ["/cart/"]
    assert typed_paths("<form action='/search/'>") == ["/search/"]
    assert typed_paths('<a href="{{ site_url }}/admin/">') == ["/admin/"]
    assert typed_paths("Your orders: {{ site_url }}/orders/") == ["/orders/"]
    assert typed_paths('<a href="/">') == ["/"]
    assert typed_paths("<a href=\"{% url 'commerce:cart' %}\">") == []
    assert typed_paths("<a href=\"{{ site_url }}{% url 'commerce:orders' %}\">") == []
    assert typed_paths('<a href="{% pageurl page %}">') == []
    assert typed_paths('<script src="//cdn.example.com/x.js">') == []
    assert typed_paths('<a href="https://example.com/">') == []


def test_no_project_template_types_an_internal_path():
    found = {
        (path.relative_to(ROOT).as_posix(), typed)
        for path in project_templates()
        for typed in typed_paths(path.read_text())
    }
    assert found - ALLOWED == set()


def test_error_pages_link_home_by_its_reversed_url(db):
    home = reverse("wagtail_serve", args=[""])
    assert home == "/"
    for name in ("500.html", "503.html"):
        assert f'<a class="button" href="{home}">Back to the shop</a>' in render_to_string(name)
    html = render_to_string("404.html", request=RequestFactory().get("/missing/"))
    assert f'<a class="button" href="{home}">Back to the shop</a>' in html


def test_the_empty_cart_links_to_the_shop_page_and_the_header_to_named_urls(client, site_tree):
    html = client.get(reverse("commerce:cart")).content.decode()
    assert (
        '<p class="cart__empty">Your cart is empty. <a href="/shop/">Browse the shop</a>.</p>'
        in (html)
    )
    for name, path in [
        ("catalog:search", "/search/"),
        ("accounts:login", "/account/login/"),
        ("commerce:wishlist", "/wishlist/"),
        ("commerce:cart", "/cart/"),
        ("vendors:apply", "/vendors/apply/"),
    ]:
        assert reverse(name) == path
    assert '<form class="search" action="/search/" method="get" role="search">' in html
    assert '<a href="/account/login/">Log in</a>' in html
    assert '<a href="/vendors/apply/">Sell on' in html
