"""The JSON API: ``/api/v1/``, its OpenAPI schema and docs (Django REST framework)."""
