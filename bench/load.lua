-- wrk script for bench/load.sh. Environment:
--   LOAD_PATHS    file with one existing path per line (the plain mix)
--   LOAD_MISSING  fraction of requests for paths that do not exist (0..1)
--   LOAD_HOSTS    "random": every request names a Host of its own
-- Responses are counted by status class so that the script can report
-- anything that was not a 2xx, 3xx or 404.
local paths = {}
local missing = tonumber(os.getenv("LOAD_MISSING") or "0")
local randomHosts = os.getenv("LOAD_HOSTS") == "random"
local counter = 0

for line in io.lines(os.getenv("LOAD_PATHS")) do
  paths[#paths + 1] = line
end

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(os.time() + id * 7919)
  bad = 0
end

function request()
  counter = counter + 1
  local path = paths[math.random(#paths)]
  if math.random() < missing then
    path = "/no-such-page-" .. math.random(1, 1e9) .. "/" .. counter
  end
  local headers = {}
  if randomHosts then
    headers["Host"] = "h" .. math.random(1, 1e9) .. ".example"
  end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status >= 500 or (status >= 400 and status ~= 404 and status ~= 421) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
  end
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f socket_errors=%d bad_status=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    b, summary.requests))
end
