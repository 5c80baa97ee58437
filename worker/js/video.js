// Videos and their captions, served from R2 (the `MEDIA` binding) by the readers' Worker
// before any wasm runs: the body is R2's own stream, handed to the response, so the isolate
// never holds a video (it is read in ranges, and may be 300 MiB). The names are the build's
// (crates/contract/src/video.rs: 16 hex digits of the file's SHA-256, then .mp4, .webm or
// .vtt); the key in R2 is `video/{name}`.
//
// Embargo: a file is served only when KV holds its gate, `video:{name}` (written by
// `newsroom publish` with the earliest moment of the releases that name it), and that
// moment has passed. Before it, and for any name no release names, the answer is `404`.
//
// Ranges (RFC 9110 §14): one range (`bytes=a-b`, `bytes=a-`, `bytes=-n`) answers `206`
// with `Content-Range`; a range that starts past the end answers `416` with
// `Content-Range: bytes */N`; several ranges, or a `Range` header that is not one of these,
// are ignored (RFC 9110 allows it) and the whole file answers `200`; `If-Range` that does not
// match the ETag also gives the whole file. `If-None-Match` answers `304`. `HEAD` answers the
// headers of the whole file, whatever its `Range`. Without the `MEDIA` binding: `503`.

const NAME = /^\/media\/([0-9a-f]{16}\.(mp4|webm|vtt))$/;
const TYPES = { mp4: "video/mp4", webm: "video/webm", vtt: "text/vtt; charset=utf-8" };

// The file's name when `path` names a video or captions file, else null.
export function videoName(path) {
  const m = NAME.exec(path);
  return m ? m[1] : null;
}

function plain(status, text, extra = {}) {
  return new Response(text, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "public, max-age=60",
      "x-content-type-options": "nosniff",
      ...extra,
    },
  });
}

// The one range of a `Range` header for a file of `size` bytes: `{offset, length}`, or
// "unsatisfiable", or null (no range, several, or a header of another shape: the whole file).
export function parseRange(header, size) {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const first = Number(m[1]);
  // `bytes=500-100` is not a range at all (RFC 9110 §14.1.1): ignored, the whole file.
  if (m[2] !== "" && Number(m[2]) < first) return null;
  if (first >= size) return "unsatisfiable";
  const last = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  return { offset: first, length: last - first + 1 };
}

// True when `If-None-Match` names `etag` (or is `*`).
function matches(header, etag) {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

// The gate says whether the file may be served now.
async function open(env, name) {
  const gate = await env.RELEASES.get(`video:${name}`, { type: "json", cacheTtl: 60 }).catch(() => null);
  if (!gate || typeof gate.public_at !== "string") return false;
  const at = Date.parse(gate.public_at);
  return Number.isFinite(at) && at <= Date.now();
}

export async function serveVideo(request, env, name) {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return plain(405, "Only GET and HEAD.\n", { allow: "GET, HEAD" });
  }
  if (!env.MEDIA) {
    return plain(503, "Videos are not set up on this newsroom (no MEDIA bucket).\n", { "cache-control": "no-store" });
  }
  if (!(await open(env, name))) return plain(404, "Not found.\n");
  const key = `video/${name}`;
  const head = await env.MEDIA.head(key);
  if (head === null) return plain(404, "Not found.\n");
  const size = head.size;
  // The name is the content's hash: a strong validator that never changes for this URL.
  const etag = `"${name.split(".")[0]}"`;
  const headers = new Headers({
    "content-type": TYPES[name.split(".")[1]],
    "accept-ranges": "bytes",
    etag,
    "cache-control": "public, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
    "access-control-allow-origin": "*",
  });
  if (matches(request.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  // Range is for GET only (RFC 9110 §14.2): a HEAD describes the whole file.
  const ifRange = request.headers.get("if-range");
  const ranged = request.method === "GET" && (ifRange === null || ifRange.trim() === etag);
  const range = ranged ? parseRange(request.headers.get("range"), size) : null;
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${size}`);
    headers.set("cache-control", "no-store");
    return new Response(null, { status: 416, headers });
  }
  const length = range ? range.length : size;
  headers.set("content-length", String(length));
  if (range) headers.set("content-range", `bytes ${range.offset}-${range.offset + length - 1}/${size}`);
  const status = range ? 206 : 200;
  if (request.method === "HEAD") return new Response(null, { status, headers });
  const object = await env.MEDIA.get(key, range ? { range } : {});
  if (object === null) return plain(404, "Not found.\n");
  return new Response(object.body, { status, headers });
}
