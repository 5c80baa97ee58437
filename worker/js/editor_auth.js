// Sign-in to the browser editor (Decap CMS at /admin/, docs/editor.md) with GitHub: the
// small OAuth endpoint Decap's `github` backend asks for (`base_url` + `auth_endpoint` in
// config.yml). In JavaScript in the entry module, so the readers' wasm does not grow.
//
//   GET /admin/auth      -> GitHub's authorize page, with a fresh `state` in a cookie
//   GET /admin/callback  -> the code exchanged for a token, handed to the editor's window
//                           by `postMessage` (Decap's documented handshake), never stored here
//
// Settings: GITHUB_OAUTH_CLIENT_ID (a variable) and GITHUB_OAUTH_CLIENT_SECRET (a secret) of
// the organisation's GitHub OAuth app; GITHUB_OAUTH_URL only for tests (default github.com).
// Without them both routes answer 503 saying what to set up.

const STATE_COOKIE = "newsroom_editor_state";

/** Whether `path` is one of this module's routes. */
export function isEditorAuth(path) {
  return path === "/admin/auth" || path === "/admin/callback";
}

/** The answer to a request on one of [`isEditorAuth`]'s paths. */
export async function editorAuth(request, env, path) {
  // Only GET: a HEAD would set the state cookie or spend GitHub's one-time code unseen.
  if (request.method !== "GET") {
    return plain(405, "Only GET is answered here.\n", { allow: "GET" });
  }
  const id = env.GITHUB_OAUTH_CLIENT_ID;
  const secret = env.GITHUB_OAUTH_CLIENT_SECRET;
  if (!id || !secret) {
    return plain(
      503,
      "Sign-in to the editor is not set up: set GITHUB_OAUTH_CLIENT_ID and the secret " +
        "GITHUB_OAUTH_CLIENT_SECRET (docs/editor.md, \"Sign-in\").\n",
    );
  }
  const github = (env.GITHUB_OAUTH_URL || "https://github.com").replace(/\/+$/, "");
  const url = new URL(request.url);
  const callback = `${url.origin}/admin/callback`;
  if (path === "/admin/auth") {
    const state = randomHex(16);
    const authorize = new URL(`${github}/login/oauth/authorize`);
    authorize.searchParams.set("client_id", id);
    authorize.searchParams.set("redirect_uri", callback);
    // `repo`: the editor reads and writes the private repository and opens pull requests
    // (the signed-in user's public profile needs no scope of its own).
    authorize.searchParams.set("scope", "repo");
    authorize.searchParams.set("state", state);
    return new Response(null, {
      status: 302,
      headers: {
        location: authorize.toString(),
        "set-cookie": `${STATE_COOKIE}=${state}; Path=/admin/; Max-Age=600; HttpOnly; Secure; SameSite=Lax`,
        "cache-control": "no-store",
      },
    });
  }
  // The callback: GitHub's answer must carry the state this browser was given.
  const given = url.searchParams.get("state") || "";
  const kept = cookie(request.headers.get("cookie") || "", STATE_COOKIE);
  if (!/^[0-9a-f]{32}$/.test(given) || !kept || !equal(given, kept)) {
    return finish(url.origin, 400, "error", { message: "The sign-in expired or did not start here: start it again from the editor." });
  }
  if (url.searchParams.get("error")) {
    return finish(url.origin, 403, "error", { message: `GitHub refused the sign-in: ${url.searchParams.get("error")}.` });
  }
  const code = url.searchParams.get("code") || "";
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(code)) {
    return finish(url.origin, 400, "error", { message: "GitHub's answer had no sign-in code: start again from the editor." });
  }
  let answer;
  try {
    const response = await fetch(`${github}/login/oauth/access_token`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json", "user-agent": "newsroom-editor" },
      body: JSON.stringify({ client_id: id, client_secret: secret, code, redirect_uri: callback }),
      signal: AbortSignal.timeout(10_000),
    });
    answer = response.ok ? await response.json() : { error: `HTTP ${response.status}` };
  } catch (e) {
    answer = { error: `no answer (${e.name})` };
  }
  if (!answer || typeof answer.access_token !== "string" || !answer.access_token) {
    console.log(JSON.stringify({ level: "error", error: `editor sign-in: GitHub did not give a token: ${answer?.error || "no token"}` }));
    return finish(url.origin, 502, "error", { message: "GitHub did not confirm the sign-in. Try again in a minute." });
  }
  return finish(url.origin, 200, "success", { token: answer.access_token, provider: "github" });
}

/**
 * The page that ends the sign-in in the pop-up window: Decap's handshake with the editor's
 * window (`authorizing:github`, then `authorization:github:RESULT:JSON`), only with a window
 * of this newsroom's own origin. Its one script runs under a nonce; the token is never in
 * the page's text outside that script, and the page is never cached.
 */
function finish(origin, status, result, content) {
  const nonce = randomHex(16);
  const message = `authorization:github:${result}:${JSON.stringify(content)}`;
  // As a JS string inside <script>: JSON, with `<` escaped so no `</script>` can close it.
  const literal = (s) => JSON.stringify(s).replace(/</g, "\\u003c");
  const said = result === "success" ? "Kirjautuminen onnistui. Voit sulkea tämän ikkunan." : content.message;
  const page = `<!DOCTYPE html>
<html lang="${result === "success" ? "fi" : "en"}"><head><meta charset="utf-8"><title>Editorin kirjautuminen</title></head>
<body><p>${escapeHtml(said)}</p>
<script nonce="${nonce}">
(function () {
  var origin = ${literal(origin)};
  var message = ${literal(message)};
  function receive(e) {
    if (e.origin !== origin) return;
    window.removeEventListener("message", receive);
    e.source.postMessage(message, origin);
  }
  window.addEventListener("message", receive);
  if (window.opener) window.opener.postMessage("authorizing:github", origin);
})();
</script></body></html>
`;
  return new Response(page, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      "referrer-policy": "no-referrer",
      "x-robots-tag": "noindex, nofollow",
      // The state is used once.
      "set-cookie": `${STATE_COOKIE}=; Path=/admin/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`,
    },
  });
}

function plain(status, text, extra = {}) {
  return new Response(text, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...extra },
  });
}

function randomHex(bytes) {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function cookie(header, name) {
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return "";
}

/** Compares two strings of equal length in constant time. */
function equal(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
