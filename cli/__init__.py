"""Flask commands: ``flask --app app <group> <command>``."""


def register(app) -> None:
    pass
