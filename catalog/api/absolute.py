"""Absolute URLs in API responses: from the `SITE_URL` setting when it is set (the shop's
public address, e.g. behind a proxy), otherwise from the request's own scheme and host, so a
client always gets links to the server it talked to (never a demo address or the Wagtail
Site record's `localhost:80`)."""

from django.conf import settings
from rest_framework.fields import SkipField
from wagtail.api.v2.serializers import (
    DetailUrlField,
    PageAliasOfField,
    PageHtmlUrlField,
    PageParentField,
    PageSerializer,
    get_serializer_class,
)
from wagtail.documents.api.v2.serializers import DocumentDownloadUrlField, DocumentSerializer
from wagtail.images.api.v2.serializers import ImageSerializer


def base_url(request) -> str:
    """`https://host[:port]` with no trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is None:
        return ""
    return request.build_absolute_uri("/").rstrip("/")


def absolute_url(request, url: str | None) -> str | None:
    """`url` as an absolute URL; one that is absolute already (a CDN's) is kept."""
    if url is None or url.startswith(("http://", "https://")):
        return url
    return base_url(request) + url


def page_url(request, page) -> str | None:
    """The absolute URL of a live page (its path within its site)."""
    parts = page.get_url_parts(request=request)
    if parts is None:
        return None
    return absolute_url(request, parts[2])


def detail_url(request, router, model, pk) -> str | None:
    path = router.get_object_detail_urlpath(model, pk) if router else None
    return absolute_url(request, path) if path else None


class ShopDetailUrlField(DetailUrlField):
    def get_attribute(self, instance):
        url = detail_url(
            self.context["request"], self.context["router"], type(instance), instance.pk
        )
        if url is None:  # no endpoint for this type: the field is left out, as Wagtail does
            raise SkipField
        return url


class ShopPageHtmlUrlField(PageHtmlUrlField):
    def to_representation(self, page):
        return page_url(self.context.get("request"), page)


def _page_summary(field, page) -> dict:
    """A related page as Wagtail's parent/alias_of fields show it, with the shop's URLs."""
    serializer_class = get_serializer_class(
        page.__class__,
        ["id", "type", "detail_url", "html_url", "title"],
        meta_fields=["type", "detail_url", "html_url"],
        base=ShopPageSerializer,
    )
    return serializer_class(context=field.context).to_representation(page)


class ShopPageParentField(PageParentField):
    def to_representation(self, value):
        return _page_summary(self, value)


class ShopPageAliasOfField(PageAliasOfField):
    def to_representation(self, value):
        return _page_summary(self, value)


class ShopPageSerializer(PageSerializer):
    detail_url = ShopDetailUrlField(read_only=True)
    html_url = ShopPageHtmlUrlField(read_only=True)
    parent = ShopPageParentField(read_only=True)
    alias_of = ShopPageAliasOfField(read_only=True)


class ShopImageSerializer(ImageSerializer):
    detail_url = ShopDetailUrlField(read_only=True)


class ShopDocumentDownloadUrlField(DocumentDownloadUrlField):
    def to_representation(self, document):
        return absolute_url(self.context["request"], document.url)


class ShopDocumentSerializer(DocumentSerializer):
    detail_url = ShopDetailUrlField(read_only=True)
    download_url = ShopDocumentDownloadUrlField(read_only=True)
