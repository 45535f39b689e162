import type { FastifyInstance } from 'fastify';
import type { Counter } from 'prom-client';
import { escapeHtml, PAGE_CSP, page } from '../auth/pages';
import { IngestRates, type OpsSummary, opsSummary } from './adminOpsSummary';
import type { ApiDeps } from './deps';

const num = { type: 'number' };
const str = { type: 'string' };
const obj = (properties: Record<string, unknown>) => ({ type: 'object', properties });
const arr = (items: unknown) => ({ type: 'array', items });

const summarySchema = obj({
  generatedAtUnixSeconds: num,
  ingest: obj({
    windowSeconds: num,
    signals: arr(obj({ signal: str, itemsPerSecond: num, receivedTotal: num, rejectedTotal: num, redactedTotal: num })),
    requests: arr(obj({ protocol: str, outcome: str, count: num })),
  }),
  sampling: obj({
    windowSeconds: num,
    rules: arr(
      obj({
        rule: str,
        decided: num,
        kept: num,
        keepRatio: num,
        decisionLagP50Seconds: num,
        decisionLagP95Seconds: num,
      }),
    ),
  }),
  storage: obj({
    engine: str,
    tables: arr(
      obj({
        table: str,
        rows: num,
        bytesOnDisk: num,
        uncompressedBytes: num,
        activeParts: num,
        oldestUnixSeconds: { type: ['number', 'null'] },
      }),
    ),
    queueBytes: { type: 'object', additionalProperties: num },
  }),
  retentionSeconds: { type: 'object', additionalProperties: num },
  health: obj({ ready: { type: 'boolean' }, storePingSeconds: { type: ['number', 'null'] }, insertFailuresTotal: num }),
});

const bytes = (n: number) => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
};
const when = (s: number | null) => (s === null ? '—' : new Date(s * 1000).toISOString().replace('.000Z', 'Z'));
const dur = (s: number) => (s % 86400 === 0 ? `${s / 86400}d` : s % 3600 === 0 ? `${s / 3600}h` : `${s}s`);

function table(head: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) =>
    typeof v === 'number' ? `<td class="n">${escapeHtml(String(v))}</td>` : `<td>${escapeHtml(v)}</td>`;
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const REFRESH_SECONDS = 15;
/**
 * The ops page follows the web UI's theme (stored in this origin's localStorage by the app)
 * and reloads itself, so it can stay open on a screen.
 */
const OPS_CHROME = `<script>try{if(localStorage.getItem('tracehouse.theme')==='dark')document.documentElement.className='dark'}catch(e){}
setTimeout(function(){location.reload()},${REFRESH_SECONDS * 1000})</script>
<style>html.dark body{background:#14171d;color:#e3e6ec}html.dark .card{background:#1c2028;border-color:#343a46}
html.dark td,html.dark th{border-color:#343a46}html.dark a{color:#7aa7ff}a{color:#2457c5}</style>
<p><a href="/services">← tracehouse</a> · refreshes every ${REFRESH_SECONDS} s</p>`;

function opsPage(s: OpsSummary, user: string): string {
  const round = (n: number) => Math.round(n * 100) / 100;
  return page(
    'Ops',
    `${OPS_CHROME}<h1 style="font-size:22px">Ops summary</h1>
<p>Signed in as ${escapeHtml(user)} · generated ${when(s.generatedAtUnixSeconds)} · store ${s.health.ready ? 'healthy' : 'NOT READY'}
(${s.storage.engine}, ping ${s.health.storePingSeconds === null ? 'failed' : `${round(s.health.storePingSeconds * 1000)} ms`},
insert failures ${s.health.insertFailuresTotal})</p>
<section class="card" id="ingest"><h2>Ingest (last ${s.ingest.windowSeconds} s)</h2>${table(
      ['signal', 'items/s', 'received', 'rejected', 'redacted'],
      s.ingest.signals.map((x) => [
        x.signal,
        round(x.itemsPerSecond),
        x.receivedTotal,
        x.rejectedTotal,
        x.redactedTotal,
      ]),
    )}
<h3>Requests by outcome</h3>${table(
      ['protocol', 'outcome', 'requests'],
      s.ingest.requests.map((r) => [r.protocol, r.outcome, r.count]),
    )}</section>
<section class="card" id="sampling"><h2>Sampling (last ${dur(s.sampling.windowSeconds)})</h2>${
      s.sampling.rules.length
        ? table(
            ['rule', 'decided', 'kept', 'keep ratio', 'lag p50 (s)', 'lag p95 (s)'],
            s.sampling.rules.map((r) => [
              r.rule,
              r.decided,
              r.kept,
              round(r.keepRatio),
              round(r.decisionLagP50Seconds),
              round(r.decisionLagP95Seconds),
            ]),
          )
        : '<p>No sampling decisions in this window.</p>'
    }</section>
<section class="card" id="storage"><h2>Storage</h2>${table(
      ['table', 'rows', 'on disk', 'uncompressed', 'parts', 'oldest data'],
      s.storage.tables.map((t) => [
        t.table,
        t.rows,
        bytes(t.bytesOnDisk),
        bytes(t.uncompressedBytes),
        t.activeParts,
        when(t.oldestUnixSeconds),
      ]),
    )}
<h3>Retention</h3>${table(
      ['data', 'kept for'],
      Object.entries(s.retentionSeconds).map(([k, v]) => [k, dur(v)]),
    )}</section>`,
  );
}

/** GET /api/v1/admin/ops/summary and the server-rendered /admin/ops page (admin only). */
export function adminOpsRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  redacted: Counter<string> | null,
  retentionSeconds: Record<string, number>,
): void {
  const rates = new IngestRates(deps.metrics.received as Counter<string>);
  app.addHook('onClose', async () => rates.stop());
  const summary = () =>
    opsSummary({ store: deps.store, metrics: deps.metrics, rates, redacted, retentionSeconds, isReady: deps.isReady });

  app.get(
    '/api/v1/admin/ops/summary',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Operational summary: ingest rates, rejections, redactions, sampling, storage, retention, health',
        description: 'Sanitized: counts, ratios, sizes and times only, never telemetry content.',
        tags: ['admin'],
        response: { 200: summarySchema },
      },
    },
    summary,
  );

  app.get('/admin/ops', { config: { auth: 'admin' }, schema: { hide: true } }, async (req, reply) => {
    const s = await summary();
    return reply
      .header('Content-Security-Policy', PAGE_CSP)
      .header('Cache-Control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(opsPage(s, req.principal?.user ?? ''));
  });
}
