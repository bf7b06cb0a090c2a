-- wrk script for benchmarks/run.py: posts pre-signed Twilio webhooks, each with its own MessageSid.
-- FORMS names a file of lines "signature<TAB>urlencoded form"; DELAY_MS paces each connection.
local forms, counter, nthreads, threads = {}, 0, 1, {}
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  for line in io.lines(os.getenv("FORMS")) do
    local tab = line:find("\t")
    forms[#forms + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
  end
  nthreads = tonumber(os.getenv("THREADS") or "1")
  counter = id - 1
  ok, other = 0, 0
end

function request()
  local form = forms[(counter % #forms) + 1]
  counter = counter + nthreads
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = form[1],
  }, form[2])
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
  end
  io.write(string.format("RESULT ok=%d other=%d p50=%.3f p99=%.3f rate=%.1f\n", total_ok, total_other,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
