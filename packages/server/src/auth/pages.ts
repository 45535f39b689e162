/** Small server-rendered pages (login, admin ops): no framework, everything escaped. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Inline scripts and styles only, nothing from elsewhere, no framing. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
main{max-width:960px;margin:40px auto;padding:0 16px}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:20px;margin-bottom:16px}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eceef1}
th{font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
input{display:block;width:100%;box-sizing:border-box;margin:4px 0 12px;padding:6px}
button{padding:6px 16px}.err{color:#b3261e;min-height:1.4em}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)} · tracehouse</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** A local path to return to after login; anything else (other hosts, //evil, \\evil) becomes '/'. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !/^\/(?![/\\])/.test(next) || next.includes('\\')) return '/';
  for (let i = 0; i < next.length; i++) if (next.charCodeAt(i) < 0x20) return '/';
  return next;
}

/** The login page; `tokenFirst` opens the token form (no users exist, an admin token does). */
export function loginPage(next: string, tokenFirst = false): string {
  return page(
    'Log in',
    `<div class="card" style="max-width:340px;margin:80px auto">
<h1 style="font-size:20px;margin-top:0">tracehouse</h1>
<form id="login" method="post" action="/api/v1/auth/login">
<label>Username<input name="username" id="username" autocomplete="username" required></label>
<label>Password<input name="password" id="password" type="password" autocomplete="current-password" required></label>
<div class="err" id="error" role="alert"></div>
<button type="submit">Log in</button>
</form>
<details id="token-login"${tokenFirst ? ' open' : ''}><summary>Log in with an API token (e.g. TRACEHOUSE_ADMIN_TOKEN)</summary>
<form id="token-form" method="post" action="/api/v1/auth/token">
<label>API token<input name="token" id="token" type="password" autocomplete="off" required></label>
<div class="err" id="token-error" role="alert"></div>
<button type="submit">Log in with token</button>
</form></details></div>
<script>
// Both forms post JSON and show the server's error under themselves.
function submitTo(formId, errId, url, body) {
  const form = document.getElementById(formId);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const err = document.getElementById(errId);
    err.textContent = '';
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body(form)),
    });
    if (res.ok) { location.assign(${JSON.stringify(next).replace(/</g, '\\u003c')}); return; }
    const answer = await res.json().catch(() => ({}));
    err.textContent = answer.error || ('login failed (' + res.status + ')');
  });
}
submitTo('login', 'error', '/api/v1/auth/login', (f) => ({ username: f.username.value, password: f.password.value }));
submitTo('token-form', 'token-error', '/api/v1/auth/token', (f) => ({ token: f.token.value }));
</script>`,
  );
}

/** A friendly page for a login problem that has no form to show it in (a used setup link). */
export function problemPage(title: string, text: string): string {
  return page(
    title,
    `<div class="card" style="max-width:420px;margin:80px auto"><h1 style="font-size:20px;margin-top:0">${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p><p><a href="/login">Go to the login page</a></p></div>`,
  );
}
