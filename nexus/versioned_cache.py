"""Values remembered in Django's cache under a version token, so that one write retires them
all: `remembered(version_key, key, compute)` reads the token and the value in one round trip
and computes (and stores) the value when it is missing or was stored under another token
(`remembered_under`: under several tokens at once); `remembered_many` does the same for many
keys under one token; `retire(version_key)` replaces the token. With the cache down nothing is
stored and every call computes, so nothing stale is ever returned, and a cache that fails never
fails the request."""

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

T = TypeVar("T")
K = TypeVar("K")


def current(version_key: str) -> str | None:
    """The token under `version_key`, made on first use (None with the cache down)."""
    version = cache.get(version_key)
    if version is None:
        cache.add(version_key, uuid.uuid4().hex, None)
        version = cache.get(version_key)
    return version


def remembered(
    version_key: str,
    key: str,
    compute: Callable[[], T],
    seconds: int,
    *,
    found: Mapping[str, object] | None = None,
) -> T:
    """`found`: what a caller already read of `version_key` and `key` (with its own keys, in
    one round trip); a current value there is returned without asking the cache again."""
    if found is not None:
        entry, version = found.get(key), found.get(version_key)
        if entry is not None and version is not None and entry[0] == version:
            return entry[1]
    return remembered_under([version_key], key, compute, seconds)


def remembered_under(
    version_keys: Sequence[str],
    key: str,
    compute: Callable[[], T],
    seconds: int,
    *,
    keep: Callable[[T], bool] | None = None,
) -> T:
    """`remembered` under several tokens: the value is served while every one of them is
    unchanged (all read with it in one round trip, each made on first use). `keep(value)`:
    whether a computed value may be stored (False when it turned out not to be the value of
    `key`, e.g. its rows changed between the key's making and the computing)."""
    try:
        found = cache.get_many([*version_keys, key])
        tokens = [found.get(version_key) or current(version_key) for version_key in version_keys]
    except Exception:  # any cache error is a miss: the answer is computed, never stale
        logger.warning("Cache unavailable reading %s; computing it.", key, exc_info=True)
        return compute()
    stamp = None if None in tokens else ":".join(tokens)
    entry = found.get(key)
    if entry is not None and stamp is not None and entry[0] == stamp:
        return entry[1]
    value = compute()
    if stamp is not None and (keep is None or keep(value)):
        try:
            cache.set(key, (stamp, value), seconds)
        except Exception:
            logger.warning("Cache unavailable storing %s.", key, exc_info=True)
    return value


def remembered_many(
    version_key: str,
    keys: Mapping[K, str],
    compute: Callable[[set[K]], Mapping[K, T]],
    seconds: int,
) -> dict[K, T]:
    """`remembered` for many values at once: {name: value} for the names of `keys` ({name:
    cache key}), read with the token in one round trip; `compute(missing names)` answers the
    names whose value is missing or stale, and its answers are stored in one write."""
    try:
        found = cache.get_many([version_key, *keys.values()])
        version = found.get(version_key) or current(version_key)
    except Exception:
        logger.warning("Cache unavailable reading %s; computing it.", version_key, exc_info=True)
        return dict(compute(set(keys)))
    stamps = None if version is None else dict.fromkeys(keys, version)
    return _served_or_computed(keys, found, stamps, compute, seconds, version_key)


def retire(version_key: str) -> None:
    cache.set(version_key, uuid.uuid4().hex, None)


def remembered_each(
    version_key: str,
    keys: Mapping[K, str],
    own_version_keys: Mapping[K, str],
    compute: Callable[[set[K]], Mapping[K, T]],
    seconds: int,
) -> tuple[dict[K, T], dict[K, str] | None]:
    """`remembered_many` where each name's value is also retired by a token of its own
    (`own_version_keys[name]`, made on first use): read with both tokens in one round trip,
    served while both are unchanged. Returns the values and {name: its own token as read
    before computing} (None with the cache down: nothing was stored)."""
    try:
        found = cache.get_many([version_key, *own_version_keys.values(), *keys.values()])
        version = found.get(version_key) or current(version_key)
        own = {name: found.get(key) or current(key) for name, key in own_version_keys.items()}
    except Exception:
        logger.warning("Cache unavailable reading %s; computing it.", version_key, exc_info=True)
        return dict(compute(set(keys))), None
    if version is None or not all(own.values()):
        return dict(compute(set(keys))), None
    stamps = {name: f"{version}:{own[name]}" for name in keys}
    return _served_or_computed(keys, found, stamps, compute, seconds, version_key), own


def _served_or_computed(
    keys: Mapping[K, str],
    found: Mapping[str, tuple],
    stamps: Mapping[K, str] | None,
    compute: Callable[[set[K]], Mapping[K, T]],
    seconds: int,
    version_key: str,
) -> dict[K, T]:
    """{name: value}: what `found` holds under each name's key stamped `stamps[name]`, and
    `compute(the other names)` for the rest, stored under their stamps in one write (nothing
    is served or stored without stamps: the token could not be read or made)."""
    values, missing = {}, set()
    for name, key in keys.items():
        entry = found.get(key)
        if stamps is not None and entry is not None and entry[0] == stamps[name]:
            values[name] = entry[1]
        else:
            missing.add(name)
    if missing:
        computed = compute(missing)
        values.update(computed)
        if stamps is not None:
            try:
                cache.set_many(
                    {keys[name]: (stamps[name], value) for name, value in computed.items()},
                    seconds,
                )
            except Exception:
                logger.warning("Cache unavailable storing %s.", version_key, exc_info=True)
    return values
