"""The ingest baseline for benchmarks/run.py: a bare Flask route that does the same essential
I/O as Welkom's webhook (one insert, one enqueue) and nothing else (no signature check).

    gunicorn -w 2 'benchmarks.bare_app:create_app()'   (BENCH_DATABASE_URL, BENCH_REDIS_URL)
"""

import os

from flask import Flask, Response, request
from redis import Redis
from rq import Queue
from sqlalchemy import create_engine, text

from benchmarks.noop import noop

TABLE = "bare_inbound"
INSERT = text(f"INSERT INTO {TABLE} (sid, sender, body) VALUES (:sid, :sender, :body) ON CONFLICT (sid) DO NOTHING")


def create_app() -> Flask:
    app = Flask(__name__)
    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    queue = Queue("bare", connection=Redis.from_url(os.environ["BENCH_REDIS_URL"]))

    @app.post("/webhooks/twilio/messages")
    def inbound() -> Response:
        form = request.form
        with engine.begin() as connection:
            connection.execute(INSERT, {"sid": form["MessageSid"], "sender": form["From"], "body": form["Body"]})
        queue.enqueue(noop, form["MessageSid"])
        return Response('<?xml version="1.0" encoding="UTF-8"?><Response />', content_type="text/xml")

    return app
