"""``/api/``: the versioned API, its schema and its docs."""

urlpatterns = []
