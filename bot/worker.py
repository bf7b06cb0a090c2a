"""The RQ worker Welkom runs: jobs in the worker's own process, with everything loaded once.

`rq worker` forks a fresh process per job: each job then pays the fork of a process that
holds the language models, and opens new PostgreSQL, Redis and HTTP connections. Jobs here
are short and safe to run twice (the database decides who does the work), so they run in
the worker itself (RQ's SimpleWorker): the app's services, the models, the connection
pools and the HTTP session to Twilio are made once and kept.

A job that kills the worker (out of memory) is not lost: RQ marks it abandoned, and the
dispatcher sweep finds its message again; an inbound message that keeps failing is given
up after bot.conversation.MAX_ATTEMPTS tries.

    rq worker --with-scheduler -w bot.worker.WelkomWorker --url "$REDIS_URL" welkom-replies welkom
"""

from rq.worker import SimpleWorker

from bot.language_detection import detect_language
from bot.services import current_services

# One short text per script the detector has models for.
_WARM_UP_TEXTS = ("goedemorgen allemaal", "добрий день усім", "صباح الخير يا أصدقاء")


def warm_up() -> None:
    current_services()
    for text in _WARM_UP_TEXTS:
        detect_language(text)


class WelkomWorker(SimpleWorker):
    def work(self, *args, **kwargs) -> bool:
        warm_up()
        return super().work(*args, **kwargs)
