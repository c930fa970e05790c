from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from catalog.page_forms import MediaCheckedPageForm
from nexus.page_restrictions import CachedViewRestrictionsMixin, public
from nexus.sanitize import rich_text_clean


class Vendor(models.Model):
    """A seller on the marketplace. Created only through `vendors.services.vendor_onboard`."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    contact_email = models.EmailField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Trusted vendors publish directly; the others' edits go through moderation.
    is_trusted = models.BooleanField(default=False)
    commission_rate = models.DecimalField(
        "commission rate (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    shipping_flat_rate = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Charged once per order for this vendor's items.",
    )
    payout_account_reference = models.CharField(max_length=255, blank=True)
    # The Wagtail group and collection made by onboarding; kept so suspension and
    # permission checks never have to guess them from names.
    group = models.OneToOneField(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="vendor"
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vendor",
    )
    # What suspension took away from the group (page and collection permissions), so that
    # reactivation gives back exactly that, including any grant an editor made by hand.
    suspended_permissions = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate__gte=0) & models.Q(commission_rate__lte=100),
                name="vendors_vendor_commission_rate_range",
            ),
            models.CheckConstraint(
                condition=models.Q(shipping_flat_rate__gte=0),
                name="vendors_vendor_shipping_flat_rate_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class VendorMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        STAFF = "staff", "Staff"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_memberships"
    )
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "vendor"], name="vendors_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()} of {self.vendor})"


class VendorApplication(models.Model):
    """A site user's request to become a vendor; an editor approves (onboarding) or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_applications"
    )
    shop_name = models.CharField(max_length=120)
    contact_email = models.EmailField()
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Set on approval; SET_NULL so deleting a vendor keeps the application's history.
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        # "+": a user does not need a reverse accessor to the applications they decided.
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open application per user at a time.
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(status="pending"),
                name="vendors_application_one_pending_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop_name} ({self.get_status_display()})"


class SanitizedIntroMixin:
    """Cleans the rich text `intro` on every save (see `nexus.sanitize`)."""

    def save(self, *args, **kwargs):
        self.intro = rich_text_clean(self.intro)
        return super().save(*args, **kwargs)


class VendorIndexPage(CachedViewRestrictionsMixin, SanitizedIntroMixin, Page):
    """The parent of every storefront; the moderation workflow is attached here."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["vendors.VendorPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["storefronts"] = public(VendorPage.objects.child_of(self).live()).select_related(
            "vendor", "logo"
        )
        return context


class VendorPage(CachedViewRestrictionsMixin, SanitizedIntroMixin, Page):
    """A vendor's storefront. Its subtree is what the vendor's Wagtail group may edit."""

    # PROTECT: a storefront without its vendor would leave products nobody owns.
    vendor = models.OneToOneField(Vendor, on_delete=models.PROTECT, related_name="storefront")
    intro = RichTextField(blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        # "+": the image library does not need a reverse accessor per page type.
        related_name="+",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("logo")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["vendors.VendorIndexPage"]
    subpage_types = ["catalog.ProductPage"]
    base_form_class = MediaCheckedPageForm

    def get_context(self, request, *args, **kwargs):
        """The vendor's live products as cards; a suspended vendor's page says its products
        cannot be bought for now (they stay published)."""
        from catalog.selectors import live_products, product_cards

        context = super().get_context(request, *args, **kwargs)
        context["products"] = product_cards(
            queryset=live_products().filter(vendor_id=self.vendor_id)
        )
        context["is_vendor_active"] = self.vendor.is_active
        return context
