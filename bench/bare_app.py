"""The baseline for bench/load.sh: Flask with one route that returns a constant JSON body, run by
the same gunicorn settings as the app. What a request costs before any of the app's own work."""
from flask import Flask

app = Flask(__name__)
BODY = {"statusCode": 200, "message": "ok", "data": {"servers": [], "total": 0}}


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def constant(path: str):
    return BODY
