"""Django's Redis cache with one redis client per connection pool instead of one per call.

Django's RedisCacheClient.get_client builds a new ``redis.Redis`` for every cache call; redis-py's
constructor fills its response-callback table each time, which cost more than the network round trip on
the cached public pages. A ``redis.Redis`` is safe to share between threads (each command borrows a
connection from the pool), so one per pool is kept. Nothing else changes: same pools, same serializer,
same options."""
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PooledRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
