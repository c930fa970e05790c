"""A modelcluster child relation whose children keep their rows across revisions.

modelcluster saves a page's inline children by deleting every row that is not in the saved
set (`DeferringRelatedManager.commit`). Publishing any revision goes through that save, so a
revert, a moderation approval, a scheduled publish or a republish of content without a
variant would delete the variant row, and with it (by cascade) its stock row and its cart
lines, while order lines would lose their link. Re-adding the variant later would make a new
row with no stock.

`ArchivingParentalKey` changes that one step. Its children are identified across revisions
by a natural key (the child model's `revision_identity_field`, e.g. the SKU), not by the
primary key a revision happened to record:

- a saved child whose key matches an existing row of the parent (archived or not) is written
  to that row, so re-adding a key revives the same row with everything that points to it;
- a row whose key is no longer in the saved set is archived (the child model's
  `archived_field` set to True), never deleted.

The child model must give its default manager only the rows that are not archived (so the
relation, prefetches, forms and revisions never see archived rows) and keep an unfiltered
`_base_manager`.
"""

from django.db import IntegrityError, transaction
from django.utils.functional import cached_property
from modelcluster.fields import ChildObjectsDescriptor, ParentalKey


def _match_rows(items: list, rows: list, key: str) -> set:
    """Point each item at its row by natural key; returns the pks of the rows kept.

    An item whose key has no row keeps the pk it carries only if that is a row of this parent
    not claimed by another key (a renamed key); anything else becomes a new row.
    """
    by_key = {getattr(row, key): row for row in rows}
    row_pks = {row.pk for row in rows}
    kept: set = set()
    unmatched = []
    for item in items:
        row = by_key.get(getattr(item, key))
        if row is not None and row.pk not in kept:
            item.pk = row.pk
            item._state.adding = False
            kept.add(row.pk)
        else:
            unmatched.append(item)
    for item in unmatched:
        if item.pk is not None and (item.pk not in row_pks or item.pk in kept):
            item.pk = None
            item._state.adding = True
        if item.pk is not None:
            kept.add(item.pk)
    return kept


class ArchivingChildObjectsDescriptor(ChildObjectsDescriptor):
    @cached_property
    def child_object_manager_cls(self):
        deferring_manager_cls = super().child_object_manager_cls
        relation = self.rel
        relation_name = relation.get_accessor_name()
        parent_field = relation.field.name
        model = relation.related_model

        class ArchivingDeferringRelatedManager(deferring_manager_cls):
            def commit(self):
                """Write the in-memory children: match by natural key, archive the rest."""
                if self.instance.pk is None:
                    raise IntegrityError(
                        f"Cannot commit relation {relation_name!r} on an unsaved model"
                    )
                try:
                    items = self.instance._cluster_related_objects[relation_name]
                except (AttributeError, KeyError):
                    return
                key = model.revision_identity_field
                flag = model.archived_field
                with transaction.atomic():
                    # Locked so that two publishes of one product cannot both match a key to
                    # "no row" and insert it twice.
                    rows = list(
                        model._base_manager.select_for_update()
                        .filter(**{parent_field: self.instance})
                        .order_by("pk")
                    )
                    kept = _match_rows(items, rows, key)
                    dropped = [
                        row.pk for row in rows if row.pk not in kept and not getattr(row, flag)
                    ]
                    if dropped:
                        model._base_manager.filter(pk__in=dropped).update(**{flag: True})
                    for item in items:
                        setattr(item, parent_field, self.instance)
                        setattr(item, flag, False)
                        item.save()
                del self.instance._cluster_related_objects[relation_name]

        return ArchivingDeferringRelatedManager


class ArchivingParentalKey(ParentalKey):
    """A ParentalKey whose removed children are archived and whose children are matched
    across revisions by natural key (see the module docstring)."""

    related_accessor_class = ArchivingChildObjectsDescriptor
