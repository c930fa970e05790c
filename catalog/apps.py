from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from catalog import cache, images, signals

        signals.connect()
        cache.connect()
        # Image uploads are Wagtail's flow: a receiver queues the catalog's renditions.
        images.connect()
