from views.web import web  # noqa: F401
