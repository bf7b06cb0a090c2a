"""Faults that take a server away: Redis stopped while webhooks keep arriving, PostgreSQL restarted
during traffic. Each on a server of the test's own (tests/faults/servers.py)."""

import gc
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.load import Row, assert_survived, count, seed
from tests.faults.rig import build_rig, clear_jobs, outside_world
from tests.faults.servers import own_postgres, own_redis
from tests.support.databases import fresh_database
from tests.support.services import REDIS_URL, require_redis

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def test_redis_stopped_while_webhooks_keep_arriving(tmp_path: Path, record: Callable[[Row], None]) -> None:
    """The webhook stores and answers 200 without Redis; the sweep hands the messages over when it is
    back (empty: what was queued went with it); workers wait for it and carry on."""
    with (
        own_redis(tmp_path) as redis_server,
        fresh_database("postgres", tmp_path) as database_url,
        outside_world() as outside,
    ):
        rig = build_rig(outside, database_url, redis_server.url, tmp_path)
        try:
            rig.workers.start(2)
            load = seed(rig.services, talkers=4, relayed=2, each=4)
            before, during, after = load.inbound[:8], load.inbound[8:16], load.inbound[16:]
            statuses = [rig.post(m.sid, m.sender, m.body) for m in before]
            redis_server.stop()
            statuses += [rig.post(m.sid, m.sender, m.body) for m in during]
            redis_server.start()
            statuses += [rig.post(m.sid, m.sender, m.body) for m in after]
            rig.tick()
            # An rq worker quits when it loses Redis; its supervisor starts it again.
            rig.settle(load.expected_outbound, seconds=90, supervise=True)
            note = f"{len(during)} webhooks while Redis was down, all 200; {rig.workers.restarted} workers restarted"
            row = count("Redis stopped while webhooks arrive", rig.services, outside.twilio, load, note)
        finally:
            rig.workers.stop()
            rig.services.db.dispose()
    record(row)
    assert set(statuses) == {200}
    assert_survived(row)


# A connection the restart cut may be dropped by the pool unclosed; psycopg warns when it is collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_postgresql_restarted_during_traffic(tmp_path: Path, record: Callable[[Row], None]) -> None:
    """Webhooks that arrive while it is down get a 5xx and are delivered again (as Twilio's retry
    would); jobs that failed are retried or swept; nothing is lost or doubled."""
    require_redis()
    with own_postgres() as cluster, outside_world() as outside:
        clear_jobs(REDIS_URL)
        rig = build_rig(outside, cluster.url, REDIS_URL, tmp_path)
        try:
            rig.workers.start(2)
            load = seed(rig.services, talkers=4, relayed=2, each=4)
            half = len(load.inbound) // 2
            for message in load.inbound[:half]:
                assert rig.post(message.sid, message.sender, message.body) == 200
            restart = threading.Thread(target=cluster.restart)
            restart.start()
            refused = [m for m in load.inbound[half:] if rig.post(m.sid, m.sender, m.body) >= 500]
            restart.join(timeout=60)
            for message in refused:  # delivered again
                assert rig.post(message.sid, message.sender, message.body) == 200
            rig.tick()
            rig.settle(load.expected_outbound, seconds=90, supervise=True)
            note = f"{len(refused)} webhooks answered 5xx during the restart, delivered again; "
            note += f"{rig.workers.restarted} workers restarted"
            row = count("PostgreSQL restarted during traffic", rig.services, outside.twilio, load, note)
        finally:
            rig.workers.stop()
            rig.services.db.dispose()  # before the cluster goes: no connection outlives it
            gc.collect()  # connections the restart cut are collected here, under this test's filter
            clear_jobs(REDIS_URL)
    record(row)
    assert_survived(row)
