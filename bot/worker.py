"""An RQ worker that prepares once what every job needs, before it forks the job.

`rq worker` forks a fresh process per job. Without this, each job imports the
bot, builds the app and, for a newcomer's first message, loads the language
models again. Loaded in the parent, the forked jobs share them.

    rq worker --with-scheduler -w bot.worker.WelkomWorker --url "$REDIS_URL" welkom
"""

from rq.worker import Worker

from bot.language_detection import detect_language
from bot.services import current_services

# One short text per script the detector has models for.
_WARM_UP_TEXTS = ("goedemorgen allemaal", "добрий день усім", "صباح الخير يا أصدقاء")


def warm_up() -> None:
    current_services()
    for text in _WARM_UP_TEXTS:
        detect_language(text)


class WelkomWorker(Worker):
    def work(self, *args, **kwargs) -> bool:
        warm_up()
        return super().work(*args, **kwargs)
