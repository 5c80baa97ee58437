// Benchmark baseline: a constant response with no KV, standing in for a static file on a CDN.
const body = "<!DOCTYPE html><title>baseline</title><p>constant";
export default {
  fetch() {
    return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
  },
};
