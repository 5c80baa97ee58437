// Benchmark baseline: a constant response with no KV, standing in for a static file on a CDN.
// `?bytes=N` (N ≤ 1,000,000) answers N constant bytes instead: the same limit for a body as
// large as a rendered page, to tell the runtime's cost of moving bytes from the worker's own.
const body = "<!DOCTYPE html><title>baseline</title><p>constant";
const sized = new Map();
export default {
  fetch(request) {
    const bytes = Number(new URL(request.url).searchParams.get("bytes"));
    if (Number.isInteger(bytes) && bytes > 0 && bytes <= 1000000) {
      if (!sized.has(bytes)) sized.set(bytes, "x".repeat(bytes));
      return new Response(sized.get(bytes), { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
  },
};
