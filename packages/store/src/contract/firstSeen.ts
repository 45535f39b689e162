// When each telemetry-contract violation was first seen, kept across restarts: the findings of
// one window only know that window, and an old violation must not look new after a restart
// (an alert on "new violation" would page again). One row per tenant and violation key; the
// earliest time wins (min on merge), so writing a key again with a later time changes nothing.
import type { Sql } from '../client';

/** Migration 15. */
export const contractFirstSeenSql = `CREATE TABLE IF NOT EXISTS contract_first_seen (
  Tenant LowCardinality(String),
  Key String,
  FirstSeen SimpleAggregateFunction(min, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY (Tenant, Key)`;

/** Violation key -> first seen (Unix ns, decimal string). */
export async function loadContractFirstSeen(sql: Sql, tenant: string): Promise<Map<string, string>> {
  const rows = await sql.query<{ Key: string; FirstSeen: string }>(
    `SELECT Key, toString(min(FirstSeen)) AS FirstSeen FROM contract_first_seen
     WHERE Tenant = {tenant:String} GROUP BY Key`,
    { tenant },
  );
  return new Map(rows.map((row) => [row.Key, row.FirstSeen]));
}

/** Records first-seen times; callers pass only keys that are new or earlier than what they loaded. */
export async function saveContractFirstSeen(sql: Sql, tenant: string, entries: Map<string, string>): Promise<void> {
  if (entries.size === 0) return;
  const body = [...entries].map(([Key, FirstSeen]) => JSON.stringify({ Tenant: tenant, Key, FirstSeen })).join('\n');
  await sql.insertJsonEachRow('contract_first_seen', body);
}
