// The JSON API of atelier serve (src/web/routes.c): same origin, the session in an
// HttpOnly cookie, and the CSRF token sent back on every POST.

let csrf = null;
let onSignedOut = null;

export function setCsrf(token) {
  csrf = token || null;
}

/* Call FN when the server says nobody is signed in (the session ended). */
export function whenSignedOut(fn) {
  onSignedOut = fn;
}

/* An error of the API: STATUS, WORD (the API's "error") and WHY (its plain words). */
export class ApiError extends Error {
  constructor(status, word, why, detail) {
    super(why || word || `HTTP ${status}`);
    this.status = status;
    this.word = word || "";
    this.why = why || "";
    this.detail = detail || null;
  }
}

/* Send a request and give its JSON view; an ApiError when it is refused. */
// The server's clock minus this screen's, from the Date of its last answer: how long a
// job has waited is counted on the server's clock, whatever this computer's says.
let serverSkew = 0;
export const serverNow = () => Date.now() + serverSkew;

async function send(method, path, headers, body) {
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  let r;
  try {
    r = await fetch(path, { method, headers, credentials: "same-origin", body });
  } catch {
    throw new ApiError(0, "network", "");
  }
  const date = Date.parse(r.headers.get("Date") || "");
  if (!Number.isNaN(date)) serverSkew = date - Date.now();
  let doc = null;
  try {
    doc = await r.json();
  } catch {
    doc = null;
  }
  if (r.ok) return doc;
  const err = new ApiError(r.status, doc && doc.error, doc && doc.why, doc && doc.detail);
  // A 401 anywhere but the sign-in means the session is over: back to the sign-in.
  if (r.status === 401 && path !== "/api/login" && onSignedOut) onSignedOut(err);
  throw err;
}

function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return send(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
}

export const get = (path) => call("GET", path);
export const post = (path, body = {}) => call("POST", path, body);

/* POST a file (a photo) as its own bytes, with its type; the answer's JSON view. */
export function upload(path, file) {
  return send("POST", path, { Accept: "application/json", "Content-Type": file.type || "application/octet-stream" }, file);
}

/* A path with its query, each value encoded. */
export function withQuery(path, params) {
  const q = Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  return q ? `${path}?${q}` : path;
}
