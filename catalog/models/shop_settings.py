"""The shop's settings, one per site."""

from django.core.cache import cache
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

SHOP_SETTINGS_SECONDS = 3600


@register_setting(icon="cog")
class ShopSettings(BaseSiteSetting):
    """One shop per site: its name, currency and support address.

    Kept in the catalog, the lowest app that reads it (prices show its currency), so every app
    above may read it too. Templates read it as `settings.catalog.ShopSettings`.
    """

    shop_name = models.CharField(max_length=80, default="Nexus")
    currency_code = models.CharField(
        max_length=3,
        default="EUR",
        help_text="ISO 4217 code, e.g. EUR, USD, GBP, JPY. One currency per shop.",
    )
    support_email = models.EmailField(default="support@nexus.localhost")

    panels = [FieldPanel("shop_name"), FieldPanel("currency_code"), FieldPanel("support_email")]

    class Meta:
        verbose_name = "shop settings"

    @classmethod
    def for_site(cls, site):
        """The site's settings from Django's cache (every page shows the shop's name and
        prices its currency); a save or delete forgets them (`catalog.signals`)."""
        if site is None:
            return super().for_site(site)
        key = cls.cache_key(site.pk)
        instance = cache.get(key)
        if instance is None:
            instance = super().for_site(site)
            cache.set(key, instance, SHOP_SETTINGS_SECONDS)
        return instance

    @staticmethod
    def cache_key(site_id: int) -> str:
        return f"shop-settings:{site_id}"
