-- Mixed-route soak for wrk: pages, releases, JSON, feeds, searches, and conditional requests
-- of which every third revalidates its ETag (a 304).
-- Prints one line: soak: requests=… 2xx=… 304=… 4xx=… 5xx=…
-- The paths, each with the ETag it answered before the run ("path etag" lines, written by
-- scripts/soak.sh), read from the file named by the first script argument.
local paths, etags = {}, {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local path, etag = line:match("^(%S+)%s+(.+)$")
    if path then table.insert(paths, path); etags[path] = etag end
  end
  n = 0
  ok, not_modified, client, server = 0, 0, 0, 0
end

function request()
  n = n + 1
  local path = paths[(n % #paths) + 1]
  local headers = {}
  -- Every third request revalidates the ETag this path answered before the run.
  if n % 3 == 0 then headers["If-None-Match"] = etags[path] end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status == 304 then not_modified = not_modified + 1
  elseif status < 300 then ok = ok + 1
  elseif status >= 500 then server = server + 1
  elseif status >= 400 then client = client + 1 end
end

function done(summary, latency, requests)
  local t = { ok = 0, nm = 0, c = 0, s = 0 }
  for _, thread in ipairs(threads) do
    t.ok = t.ok + thread:get("ok"); t.nm = t.nm + thread:get("not_modified")
    t.c = t.c + thread:get("client"); t.s = t.s + thread:get("server")
  end
  local e = summary.errors
  io.write(string.format("soak: requests=%d 2xx=%d 304=%d 4xx=%d 5xx=%d socket_errors=%d p50_ms=%.1f p99_ms=%.1f rps=%.0f\n",
    summary.requests, t.ok, t.nm, t.c, t.s, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
