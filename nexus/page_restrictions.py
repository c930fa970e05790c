"""Page view restrictions found from Django's cache.

Wagtail checks a page's view restrictions (its own and its ancestors') before serving it, at
two queries a request. Almost no page has any, so `CachedViewRestrictionsMixin` remembers per
page which restrictions apply (usually none) and asks the database again only for those;
listings leave out the restricted sections of the tree with `public`, which reads them from the
cache too (Wagtail's `.public()` queries them each time). The
answer depends on the restrictions and on where the page is in the tree, so a saved or deleted
restriction and a moved page retire every remembered answer (`connect`). Whether a request
passes a restriction (a password, a login, a group) is still decided by Wagtail on each request.
A change is retired at once and again after its transaction commits, so a request that read the
old state in between cannot keep it.
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import post_page_move

from nexus.versioned_cache import remembered, retire

VERSION_KEY = "view-restrictions:version"
SECTIONS_KEY = "view-restrictions:sections"
SECONDS = 3600


def restricted_sections(found: dict | None = None) -> list[tuple[str, int]]:
    """(path, depth) of every page with a view restriction: the sections of the tree that are
    not public, from the cache. `found`: what a caller's `cache.get_many` read of
    `VERSION_KEY` and `SECTIONS_KEY` along with its own keys, to spare the round trip."""
    if found:
        entry, version = found.get(SECTIONS_KEY), found.get(VERSION_KEY)
        if entry is not None and version is not None and entry[0] == version:
            return entry[1]
    return remembered(
        VERSION_KEY,
        SECTIONS_KEY,
        lambda: list(
            PageViewRestriction.objects.values_list("page__path", "page__depth").distinct()
        ),
        SECONDS,
    )


def public(queryset):
    """`queryset` (of pages) without those in a restricted section: Wagtail's `.public()`,
    whose query of the restrictions is answered from the cache instead."""
    private = Q()
    for path, depth in restricted_sections():
        private |= Q(path__startswith=path, depth__gte=depth)
    return queryset.exclude(private) if private else queryset


class CachedViewRestrictionsMixin:
    """For page models: `get_view_restrictions` from the cache."""

    def get_view_restrictions(self):
        restriction_ids = remembered(
            VERSION_KEY,
            f"view-restrictions:page:{self.pk}",
            lambda: list(
                super(CachedViewRestrictionsMixin, self)
                .get_view_restrictions()
                .values_list("pk", flat=True)
            ),
            SECONDS,
        )
        if not restriction_ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=restriction_ids)


def _retire(**kwargs) -> None:
    # Now, and again once the transaction commits: a request in between may have remembered
    # the old answer.
    retire(VERSION_KEY)
    transaction.on_commit(lambda: retire(VERSION_KEY))


def connect() -> None:
    post_save.connect(_retire, sender=PageViewRestriction, dispatch_uid="view_restrictions_saved")
    post_delete.connect(
        _retire, sender=PageViewRestriction, dispatch_uid="view_restrictions_deleted"
    )
    post_page_move.connect(_retire, dispatch_uid="view_restrictions_moved")
