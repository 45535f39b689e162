import type { Principal } from './roles';
import { newSecret, sha256 } from './secrets';

interface Session {
  principal: Principal;
  expiresAt: number;
}

/**
 * Browser sessions, in memory: a restart logs everyone out, which is acceptable for a
 * single-process server. Only the sha256 of a session id is held, like tokens.
 */
export class Sessions {
  private readonly byHash = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Returns the new session id (the cookie value). */
  create(principal: Principal): string {
    this.sweep();
    const id = newSecret('ths');
    this.byHash.set(sha256(id), { principal: { ...principal, via: 'session' }, expiresAt: this.clock() + this.ttlMs });
    return id;
  }

  get(id: string): Principal | null {
    const key = sha256(id);
    const s = this.byHash.get(key);
    if (!s) return null;
    if (s.expiresAt <= this.clock()) {
      this.byHash.delete(key);
      return null;
    }
    return s.principal;
  }

  destroy(id: string): void {
    this.byHash.delete(sha256(id));
  }

  /** Ends every session of a user (removed, or role changed). */
  destroyUser(user: string): void {
    for (const [k, s] of this.byHash) if (s.principal.user === user) this.byHash.delete(k);
  }

  private sweep(): void {
    const now = this.clock();
    for (const [k, s] of this.byHash) if (s.expiresAt <= now) this.byHash.delete(k);
  }
}
