// Who the browser is logged in as. One request per page load, shared by the nav, the user
// menu and the admin links: the server decides access on every route; this only decides what
// the UI offers, so a viewer is not shown entries that would answer "Not allowed".
import { useEffect, useState } from 'react';
import { getJson } from './api';

export interface Me {
  user: string;
  role: string;
  tenant: string;
}

/** Roles in the server's order: each includes the ones before it (server/src/auth/roles.ts). */
const ROLES = ['viewer', 'ops', 'admin'];

let pending: Promise<Me> | undefined;
function fetchMe(): Promise<Me> {
  // A failed request is not cached, so a later view may ask again.
  pending ??= getJson<Me>('/api/v1/auth/me').catch((e) => {
    pending = undefined;
    throw e;
  });
  return pending;
}

/** The caller, or null until known (and when the server cannot say). */
export function useMe(): Me | null {
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    let live = true;
    // A 401 sends the browser to /login (api.ts); any other failure leaves the caller unknown.
    fetchMe().then(
      (m) => live && setMe(m),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  return me;
}

/** True when the caller's role includes `need`; false while the caller is unknown. */
export function hasRole(me: Me | null, need: 'viewer' | 'ops' | 'admin'): boolean {
  if (!me) return false;
  const have = ROLES.indexOf(me.role);
  return have >= 0 && have >= ROLES.indexOf(need);
}
