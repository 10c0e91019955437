"""The Redis cache (real Redis from make test) keeps one client per pool and behaves as Django's."""
import pytest
from django.conf import settings
from django.core.cache import caches

pytestmark = pytest.mark.skipif(not getattr(settings, "REDIS_URL", ""), reason="needs REDIS_URL (make test starts Redis)")


def test_the_cache_round_trips_and_reuses_one_client():
    from core.cache import PooledRedisCache

    cache = caches["default"]
    assert isinstance(cache, PooledRedisCache)
    cache.set("zlj-test-key", {"公示": 5}, 30)
    assert cache.get("zlj-test-key") == {"公示": 5}
    assert cache.add("zlj-test-key", 1, 30) is False
    assert cache.add("zlj-counter", 0, 30) and cache.incr("zlj-counter", 2) == 2
    cache.delete("zlj-counter")
    cache.delete("zlj-test-key")
    assert cache.get("zlj-test-key") is None
    client = cache._cache
    assert client.get_client() is client.get_client(write=True)  # one server: one pool, one client
