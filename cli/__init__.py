"""Flask commands: ``flask --app app <group> <command>``; one module per group.

- ``users create USERNAME --password P [--alias A] [--admin] [--balance DOLLARS]``
- ``users disable USERNAME``, ``users enable USERNAME``, ``users sessions USERNAME``
- ``wallet credit USERNAME DOLLARS``
- ``servers import FILE.json``
- ``rentals sweep``
- ``jobs worker [--workers N]``, ``jobs tick``, ``jobs status``
- ``mail sink [--host H] [--port N]``
- ``seed-demo [--servers N] [--fresh]``
"""
from flask import Flask


def register(app: Flask) -> None:
    from cli.demo import seed_demo_command
    from cli.jobs import jobs
    from cli.mail import mail
    from cli.rentals import rentals
    from cli.servers import servers
    from cli.users import users
    from cli.wallet import wallet

    for command in (users, wallet, servers, rentals, jobs, mail, seed_demo_command):
        app.cli.add_command(command)
