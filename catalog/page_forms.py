"""Admin edit forms of the page types vendors edit (Wagtail `base_form_class`).

Validation that needs the whole page (the page and its inline forms together) lives here, so
the admin answers with a field error instead of failing, or saving something it should not,
when the page is saved.

Images and documents: the choosers only offer what the user may use, but a form accepts any
id it is sent (a gallery image field, an image block in a StreamField, an image embed or a
document link in rich text). `MediaCheckedPageForm` checks every image and document the saved
content references against `catalog.permissions.media_for_user`, the policy that also scopes
the choosers, and names the field that holds a forbidden one.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.rich_text import extract_references_from_rich_text


def _media_models() -> tuple:
    return (get_image_model(), get_document_model())


def _references_of(model_field, value):
    """(media model, id) pairs that a cleaned form value of `model_field` refers to."""
    media_models = _media_models()
    if model_field is None or value in (None, "", []):
        return
    if isinstance(model_field, ForeignKey):
        if model_field.related_model in media_models:
            yield model_field.related_model, value.pk
    elif isinstance(model_field, StreamField):
        for model, object_id, *_ in model_field.stream_block.extract_references(value):
            if model in media_models:
                yield model, object_id
    elif isinstance(model_field, RichTextField):
        for model, object_id, *_ in extract_references_from_rich_text(str(value)):
            if model in media_models:
                yield model, object_id


def _form_references(form):
    """(form, field name, media model, id) for a form and its nested inline forms."""
    model_meta = form._meta.model._meta
    for name, value in getattr(form, "cleaned_data", {}).items():
        try:
            model_field = model_meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field (DELETE, ORDER, comments…)
            model_field = None
        for model, object_id in _references_of(model_field, value):
            yield form, name, model, object_id
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            if getattr(child, "cleaned_data", None) and not child.cleaned_data.get("DELETE"):
                yield from _form_references(child)


class MediaCheckedPageForm(WagtailAdminPageForm):
    """Refuses images and documents the editing user may not use (see the module docstring)."""

    def clean(self):
        cleaned = super().clean()
        # ClusterForm validates its inline formsets after the page form: do it now so their
        # cleaned values can be checked too (their own errors are reported as usual).
        for formset in self.formsets.values():
            formset.is_valid()
        self._check_media_references()
        return cleaned

    def _check_media_references(self) -> None:
        from catalog.permissions import media_for_user

        if self.for_user is None:
            return
        references = list(_form_references(self))
        wanted: dict = {}
        for _form, _name, model, object_id in references:
            wanted.setdefault(model, set()).add(str(object_id))
        allowed: dict = {}
        for model, ids in wanted.items():
            numeric = [int(object_id) for object_id in ids if str(object_id).isdigit()]
            allowed[model] = {
                str(pk)
                for pk in media_for_user(
                    self.for_user, model.objects.filter(pk__in=numeric)
                ).values_list("pk", flat=True)
            }
        reported = set()
        for form, name, model, object_id in references:
            if str(object_id) in allowed[model] or (form, name, model) in reported:
                continue
            reported.add((form, name, model))
            kind = "an image" if model is get_image_model() else "a document"
            field = form.fields.get(name)
            label = str(field.label) if field is not None and field.label else name
            message = (
                f"{label.capitalize()} refers to {kind} (id {object_id}) that is not in your "
                f"library: choose {kind} of your own."
            )
            form.add_error(name if field is not None else None, message)


class ProductPageForm(MediaCheckedPageForm):
    def clean(self):
        cleaned = super().clean()
        self._check_archived_skus()
        return cleaned

    def _check_archived_skus(self) -> None:
        """A SKU stays with its product after a revision drops it (the archived row keeps its
        stock and orders), so another product cannot take it. The product's own archived SKUs
        are allowed: saving them revives the row (`catalog.clusters`)."""
        from catalog.models import ProductVariant

        formset = self.formsets.get("variants")
        if formset is None or not formset.is_valid():
            return
        forms = {
            form.cleaned_data["sku"]: form
            for form in formset.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("sku")
            and not form.cleaned_data.get("DELETE")
        }
        if not forms:
            return
        taken = ProductVariant.all_objects.filter(sku__in=forms, is_archived=True)
        if self.instance.pk is not None:
            taken = taken.exclude(page_id=self.instance.pk)
        for sku in taken.values_list("sku", flat=True):
            forms[sku].add_error(
                "sku", f"SKU {sku} belongs to a variant another product no longer offers."
            )
