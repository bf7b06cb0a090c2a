"""A Twilio-compatible Messages API that answers at once, for benchmarks/run.py.

One asyncio process, keep-alive HTTP/1.1. A POST gets 201 with a message resource;
the first arrival time of each recipient (To) is kept. GET /stats returns them as
JSON, DELETE /stats forgets them.

    python benchmarks/fast_twilio.py PORT
"""

import asyncio
import itertools
import json
import sys
import time
from urllib.parse import parse_qs

_sids = itertools.count(1)
first_seen: dict[str, float] = {}
posts = 0


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            method, path, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length) if length else b""
            status, answer = respond(method, path, body)
            payload = json.dumps(answer).encode()
            head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
            writer.write(head.encode() + payload)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def respond(method: str, path: str, body: bytes) -> tuple[str, dict]:
    global posts
    if path.startswith("/stats"):
        if method == "DELETE":
            first_seen.clear()
            posts = 0
        return "200 OK", {"posts": posts, "first_seen": first_seen}
    if method == "GET":  # a lookup of earlier sends: none
        return "200 OK", {"messages": [], "page": 0, "page_size": 50, "next_page_uri": None}
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    posts += 1
    first_seen.setdefault(form.get("To", ""), time.time())
    # Not of the form the benchmark's inbound messages use (SM + 32 hex digits of a counter).
    sid = f"SMfa57{next(_sids):028x}"
    return "201 Created", {"sid": sid, "status": "queued", "to": form.get("To"), "body": form.get("Body")}


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
