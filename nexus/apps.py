from django.apps import AppConfig


class NexusConfig(AppConfig):
    name = "nexus"
    verbose_name = "Nexus"

    def ready(self):
        from nexus import checks, page_restrictions  # noqa: F401 - checks registers them

        page_restrictions.connect()
