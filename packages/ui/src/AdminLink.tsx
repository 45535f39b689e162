// The admins' way to the server-rendered ops page (/admin/ops); others never see it.
import { useEffect, useState } from 'react';
import { getJson } from './api';

export function AdminLink() {
  const [admin, setAdmin] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    getJson<{ role: string }>('/api/v1/auth/me', {}, ctrl.signal).then(
      (me) => setAdmin(me.role === 'admin'),
      () => {},
    );
    return () => ctrl.abort();
  }, []);
  // A full page load: /admin/ops is served by the server, not by this app.
  return admin ? (
    <a href="/admin/ops" data-testid="nav-ops">
      Ops
    </a>
  ) : null;
}
