from django.apps import AppConfig


class NexusConfig(AppConfig):
    name = "nexus"
    verbose_name = "Nexus"

    def ready(self):
        from nexus import page_restrictions

        page_restrictions.connect()
