"""RQ cron configuration: `rq cron bot.cron --url $REDIS_URL` runs the dispatcher tick.

Embedded mode (no Redis) runs the same tick from a thread in `flask bot serve`.
"""

from rq import cron

from bot.dispatcher import TICK_SECONDS
from bot.queue import QUEUE_NAME
from bot.tick import dispatch

# The tick only enqueues; a tick that outlives its interval is a sign of trouble.
# The queue the tick runs on (benchmarks/run.py times it there).
TICK_QUEUE = QUEUE_NAME
cron.register(dispatch, TICK_QUEUE, interval=TICK_SECONDS, job_timeout=TICK_SECONDS * 2)
