import type { SessionRow } from '@tracehouse/store';
import type { Principal } from './roles';
import { newSecret, sha256 } from './secrets';

interface Session {
  principal: Principal;
  expiresAt: number;
  /** When create() put it in this copy (clock ms); -Infinity when it was read from the store. */
  addedAt: number;
}

/** Where sessions outlive the process (the store's `sessions` table); absent in unit tests. */
export interface SessionStore {
  putSession(row: SessionRow): Promise<void>;
  endSessions(which: { hash: string } | { username: string }): Promise<void>;
  listSessions(): Promise<SessionRow[]>;
}

/**
 * Browser sessions: an in-memory copy for the request path (no request waits on the store),
 * written through to the store so a restart logs nobody out, and reloaded from it with the
 * users and tokens so processes sharing a ClickHouse server see each other's logins and
 * logouts. Only the sha256 of a session id is held, like tokens.
 */
export class Sessions {
  private byHash = new Map<string, Session>();
  /**
   * Sessions ended here, until they expire: a reload whose read raced the end (the store may
   * still list them) must not bring them back.
   */
  private readonly ended = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
    private readonly store?: SessionStore,
  ) {}

  /** Returns the new session id (the cookie value), once the session is durable. */
  async create(principal: Principal): Promise<string> {
    this.sweep();
    const id = newSecret('ths');
    const hash = sha256(id);
    const now = this.clock();
    const expiresAt = now + this.ttlMs;
    await this.store?.putSession({
      hash,
      username: principal.user,
      role: principal.role,
      tenant: principal.tenant,
      createdAtMs: now,
      expiresAtMs: expiresAt,
    });
    this.byHash.set(hash, { principal: { ...principal, via: 'session' }, expiresAt, addedAt: this.clock() });
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

  /** Ends one session, here at once and in the store. */
  async destroy(id: string): Promise<void> {
    const hash = sha256(id);
    this.end(hash, this.byHash.get(hash)?.expiresAt ?? this.clock() + this.ttlMs);
    await this.store?.endSessions({ hash });
  }

  /** Ends every session of a user (removed, or role changed). */
  async destroyUser(user: string): Promise<void> {
    for (const [hash, s] of this.byHash) if (s.principal.user === user) this.end(hash, s.expiresAt);
    await this.store?.endSessions({ username: user });
  }

  /** Replaces the copy with the store's live sessions, keeping those added here since the read began. */
  async reload(): Promise<void> {
    if (!this.store) return;
    const startedAt = this.clock();
    const rows = await this.store.listSessions();
    const now = this.clock();
    const next = new Map<string, Session>();
    for (const r of rows) {
      if (this.ended.has(r.hash) || r.expiresAtMs <= now) continue;
      const principal: Principal = {
        user: r.username,
        role: r.role as Principal['role'],
        tenant: r.tenant,
        via: 'session',
      };
      // Known to the store: if a later read no longer lists it, it ended elsewhere.
      next.set(r.hash, { principal, expiresAt: r.expiresAtMs, addedAt: Number.NEGATIVE_INFINITY });
    }
    // Written before being added, so a session added before the read began is in `rows` if still live.
    for (const [hash, s] of this.byHash) {
      if (!next.has(hash) && s.addedAt >= startedAt && !this.ended.has(hash)) next.set(hash, s);
    }
    this.byHash = next;
    this.sweep();
  }

  private end(hash: string, expiresAt: number): void {
    this.byHash.delete(hash);
    this.ended.set(hash, expiresAt);
  }

  private sweep(): void {
    const now = this.clock();
    for (const [k, s] of this.byHash) if (s.expiresAt <= now) this.byHash.delete(k);
    for (const [k, expiresAt] of this.ended) if (expiresAt <= now) this.ended.delete(k);
  }
}
