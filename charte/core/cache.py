"""Django's Redis cache, keeping its redis-py clients.

Django's Redis backend builds a new `redis.Redis` client for every command, on a pool that it
keeps. Building one fills its table of reply parsers (some 170 entries): on this platform that
cost more CPU than the command's round trip, twice in every consent API write. This backend
keeps one client per pool (a redis-py client is safe to share between threads; each command
takes a connection from the pool). Everything else is Django's.
"""

from typing import Any

from django.core.cache.backends import redis


class _Client(redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(  # type: ignore[attr-defined]
                connection_pool=self._get_connection_pool(write)  # type: ignore[attr-defined]
            )
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _Client
