"""HTTP surfaces: the JSON API (``views.api``) and the browser pages (``views.web``)."""
