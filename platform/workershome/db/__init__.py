"""The platform's database backend: django-tenants' PostgreSQL backend that can follow a union
to the database (shard) its schema lives in (``workershome.shards``)."""
