-- wrk script for bench/run.py: walks the requests in BENCH_REQUESTS (one per line:
-- METHOD<TAB>PATH<TAB>BODY), sends BENCH_HEADERS ("Name: value" separated by "|"), and prints
-- one JSON line with the count, errors and latency percentiles (microseconds).

local items = {}
local counter = 0
local headers = {}

function init(args)
  local file = io.open(os.getenv("BENCH_REQUESTS"), "r")
  for line in file:lines() do
    local method, path, body = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
    if method then
      items[#items + 1] = {method = method, path = path, body = (body ~= "" and body or nil)}
    end
  end
  file:close()
  for header in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
    local name, value = header:match("^%s*([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
end

function request()
  counter = counter + 1
  local item = items[((counter - 1) % #items) + 1]
  return wrk.format(item.method, item.path, headers, item.body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d, "mean": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
