"""Import a vendor's products from a CSV file into its storefront (see
catalog.services.product_import)."""

from django.core.management.base import BaseCommand, CommandError

from catalog.services.product_import import products_import
from vendors.models import VendorPage


class Command(BaseCommand):
    help = "Import products from a CSV file (title, sku, price, stock, category, options) for a vendor."

    def add_arguments(self, parser):
        parser.add_argument(
            "vendor", help="The vendor's slug (its storefront receives the products)."
        )
        parser.add_argument("csv_file", help="Path of the UTF-8 CSV file.")
        parser.add_argument("--draft", action="store_true", help="Save as drafts, do not publish.")

    def handle(self, *args, vendor: str, csv_file: str, draft: bool, **options):
        storefront = VendorPage.objects.filter(vendor__slug=vendor).first()
        if storefront is None:
            raise CommandError(f'No vendor storefront for the vendor slug "{vendor}".')
        try:
            with open(csv_file, "rb") as handle:
                result = products_import(storefront=storefront, file=handle, publish=not draft)
        except OSError as exc:
            raise CommandError(f"Cannot read {csv_file}: {exc}")
        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(
            f"Imported {len(result.created)} product(s) with {result.variant_count} variant(s); "
            f"{len(result.errors)} error(s)."
        )
        if result.errors:
            raise CommandError("Some rows were not imported (see the errors above).", returncode=2)
