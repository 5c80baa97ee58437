// Benchmark baseline: a constant response with no KV, standing in for a static file on a CDN.
// `?bytes=N` (N ≤ 1,000,000) answers N constant bytes instead: the same limit for a body as
// large as a rendered page, to tell the runtime's cost of moving bytes from the worker's own.
// `?rounds=a,b c` first reads KV keys `a` and `b` together, then `c` (as the newsroom worker
// names them in `x-kv-keys` with `TRACE_KV = "on"`): what the same reads and the same bytes
// cost in this runtime with no work at all, the floor under a cache miss.
// `?bytes=N&headers=[[name, value], …]` answers with those headers too (kept as one `Headers`
// object, copied into each response): a response kept in memory, as a JS worker would send it,
// the floor under a cache hit.
const body = "<!DOCTYPE html><title>baseline</title><p>constant";
const sized = new Map();
const headerSets = new Map();
export default {
  async fetch(request, env) {
    const params = new URL(request.url).searchParams;
    const rounds = (params.get("rounds") || "").split(" ").filter(Boolean);
    if (rounds.length > 0 && env.RELEASES) {
      for (const round of rounds) {
        await Promise.all(round.split(",").map((key) => env.RELEASES.get(key, "arrayBuffer")));
      }
    }
    const bytes = Number(params.get("bytes"));
    if (Number.isInteger(bytes) && bytes > 0 && bytes <= 1000000) {
      if (!sized.has(bytes)) sized.set(bytes, "x".repeat(bytes));
      const list = params.get("headers");
      if (list) {
        if (!headerSets.has(list)) headerSets.set(list, new Headers(JSON.parse(list)));
        return new Response(sized.get(bytes), { headers: headerSets.get(list) });
      }
      return new Response(sized.get(bytes), { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
  },
};
