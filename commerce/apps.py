from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = "Commerce"

    def ready(self):
        from commerce import signals  # noqa: F401  (connects the cart merge on login)
