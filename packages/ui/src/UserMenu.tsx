// Who is logged in, with logout and a password change (users with a password only). Hidden
// when access control is off (the server answers as "anonymous").
import { useState } from 'react';
import type { Me } from './me';

/** POSTs JSON to an auth route; the browser sends Origin, which the server's CSRF check needs. */
async function postJson(path: string, body?: unknown): Promise<{ status: number; error?: string }> {
  const res = await fetch(path, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let error: string | undefined;
  try {
    error = (JSON.parse(text) as { error?: string }).error;
  } catch {}
  return { status: res.status, error };
}

export function UserMenu({ me }: { me: Me | null }) {
  const [open, setOpen] = useState(false);
  if (!me || me.user === 'anonymous') return null;
  const session = !me.user.startsWith('token:') && me.user !== 'admin-token';
  const logout = async () => {
    await postJson('/api/v1/auth/logout');
    location.assign('/login');
  };
  return (
    <div className="user-menu">
      <button type="button" onClick={() => setOpen(!open)} data-testid="user-menu" aria-expanded={open}>
        {me.user} <span className="muted">· {me.role}</span>
        {me.tenant !== 'default' && <span className="muted"> · {me.tenant}</span>}
      </button>
      {open && (
        <div className="user-menu-panel">
          {session && <PasswordForm />}
          <button type="button" onClick={logout} data-testid="logout">
            Log out
          </button>
        </div>
      )}
    </div>
  );
}

function PasswordForm() {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <form
      className="password-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const currentPassword = String(form.get('current') ?? '');
        const newPassword = String(form.get('next') ?? '');
        if (newPassword !== String(form.get('again') ?? '')) {
          setMessage({ ok: false, text: 'the new passwords differ' });
          return;
        }
        const r = await postJson('/api/v1/auth/password', { currentPassword, newPassword });
        setMessage(
          r.status === 200
            ? { ok: true, text: 'password changed; your other sessions were logged out' }
            : { ok: false, text: r.error ?? `failed (${r.status})` },
        );
        if (r.status === 200) e.currentTarget?.reset();
      }}
    >
      <label>
        Current password <input type="password" name="current" autoComplete="current-password" required />
      </label>
      <label>
        New password <input type="password" name="next" autoComplete="new-password" minLength={10} required />
      </label>
      <label>
        Repeat it <input type="password" name="again" autoComplete="new-password" minLength={10} required />
      </label>
      <button type="submit">Change password</button>
      {message && (
        <div className={message.ok ? 'muted' : 'err'} role="status">
          {message.text}
        </div>
      )}
    </form>
  );
}
