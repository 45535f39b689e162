// npm run bench:alerting: the cost of tracehouse's own rule evaluation while it ingests.
// 500 rules (SLO-generated groups for 30 SLOs and 200 RED rules of a rule file, over the
// loadgen shop's 7 services and their operations) every 15 s. Two runs of the same ingest load,
// without rules and with them, each on a fresh store; the rules' CPU is the difference, as a
// share of one core. The evaluation lag and duration come from tracehouse's own /metrics.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadgen } from '@tracehouse/loadgen';
import { startTracehouse, type TracehouseProcess } from '../packages/server/test/process';
import { type CpuSplit, cpuSplit, sampleCpu } from './proc-cpu';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 90);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const INTERVAL = '15s';
const TARGET_CORE_SHARE = 0.1;
const TICKS = 100; // USER_HZ (clock ticks per second of /proc/<pid>/stat) on Linux

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime (fields 14 and 15; 12 and 13 after the pid and comm), all threads.
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

async function metricValues(api: string, name: string): Promise<number[]> {
  const text = await (await fetch(`${api}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].map((m) => Number(m[1]));
}

const stop = async (th: TracehouseProcess) => {
  th.child.kill('SIGTERM');
  await th.exited;
};

/** The span names of each service, from a short run (the SLOs and rules use real operations). */
async function discoverOperations(): Promise<Map<string, string[]>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-bench-alerting-'));
  const th = await startTracehouse(dataDir, { sets: ['derived.interval=1s', 'derived.lag=300ms'] });
  try {
    await runLoadgen({
      endpoint: th.otlpHttp,
      protocol: 'http/protobuf',
      rate: 1000,
      durationMs: 5000,
      signals: ['traces'],
      seed: 3,
    });
    await new Promise((r) => setTimeout(r, 3000));
    const q = encodeURIComponent(
      'count by (service, span_name) (traces_spanmetrics_calls_total{span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"})',
    );
    const res = (await (await fetch(`${th.api}/prometheus/api/v1/query?query=${q}`)).json()) as {
      data: { result: { metric: Record<string, string> }[] };
    };
    const ops = new Map<string, string[]>();
    for (const { metric } of res.data.result)
      ops.set(metric.service!, [...(ops.get(metric.service!) ?? []), metric.span_name!]);
    return ops;
  } finally {
    await stop(th);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** 30 SLOs (10 rules each) and a rule file of 200 RED rules. */
function rules(ops: Map<string, string[]>): { slos: unknown[]; file: string; count: number; groups: number } {
  const services = [...ops.keys()].sort();
  const slos: Record<string, unknown>[] = [];
  for (const s of services) {
    slos.push({ name: `${s}-availability`, service: s, objective: 99.9, window: '30d' });
    slos.push({ name: `${s}-latency`, service: s, objective: 99, window: '30d', latencyThreshold: '512ms' });
  }
  const operations = services.flatMap((s) => ops.get(s)!.map((op) => [s, op] as const));
  for (let i = 0; slos.length < 30 && i < operations.length; i++) {
    const [s, op] = operations[i]!;
    slos.push(
      i % 2 === 0
        ? { name: `op-${i}-availability`, service: s, spanName: op, objective: 99.5, window: '28d' }
        : {
            name: `op-${i}-latency`,
            service: s,
            spanName: op,
            objective: 95,
            window: '28d',
            latencyThreshold: '1024ms',
          },
    );
  }
  const lines: string[] = ['groups:'];
  let count = 0;
  const add = (rule: string) => {
    lines.push(rule);
    count++;
  };
  const sel = (s: string, op?: string) => `service="${s}"${op ? `,span_name=${JSON.stringify(op)}` : ''}`;
  for (const s of services) {
    lines.push(`  - name: red-${s}`, `    interval: ${INTERVAL}`, '    rules:');
    add(
      `      - record: service:calls:rate1m\n        expr: sum by (service) (rate(traces_spanmetrics_calls_total{${sel(s)}}[1m]))`,
    );
    add(
      `      - record: service:errors:ratio_rate5m\n        expr: sum by (service) (rate(traces_spanmetrics_calls_total{${sel(s)},status_code="STATUS_CODE_ERROR"}[5m])) / sum by (service) (rate(traces_spanmetrics_calls_total{${sel(s)}}[5m]))`,
    );
    add(
      `      - record: service:latency:p99_5m\n        expr: histogram_quantile(0.99, sum by (service, le) (rate(traces_spanmetrics_latency_bucket{${sel(s)}}[5m])))`,
    );
    add(
      `      - alert: HighErrorRatio\n        expr: service:errors:ratio_rate5m{${sel(s)}} > 0.05\n        for: 5m\n        labels: {severity: page}\n        annotations: {summary: "{{ $labels.service }} fails {{ $value | humanizePercentage }}"}`,
    );
    add(
      `      - alert: SlowP99\n        expr: service:latency:p99_5m{${sel(s)}} > 2\n        for: 10m\n        labels: {severity: ticket}\n        annotations: {summary: "{{ $labels.service }} p99 {{ $value | humanizeDuration }}"}`,
    );
  }
  const opLines: string[] = [];
  for (let i = 0; count + opLines.length < 200; i++) {
    const [s, op] = operations[i % operations.length]!;
    const win = ['1m', '5m', '10m'][Math.floor(i / operations.length) % 3]!;
    opLines.push(
      i % 2 === 0
        ? `      - alert: OperationErrors\n        expr: sum by (service, span_name) (rate(traces_spanmetrics_calls_total{${sel(s, op)},status_code="STATUS_CODE_ERROR"}[${win}])) > 1\n        for: 2m\n        labels: {severity: ticket, window: "${win}"}`
        : `      - alert: OperationSlow\n        expr: histogram_quantile(0.95, sum by (service, span_name, le) (rate(traces_spanmetrics_latency_bucket{${sel(s, op)}}[${win}]))) > 1.5\n        for: 5m\n        labels: {severity: ticket, window: "${win}"}`,
    );
  }
  for (let g = 0; g * 20 < opLines.length; g++) {
    lines.push(`  - name: operations-${g}`, `    interval: ${INTERVAL}`, '    rules:');
    for (const l of opLines.slice(g * 20, g * 20 + 20)) add(l);
  }
  const groups = lines.filter((l) => l.startsWith('  - name: ')).length + slos.length;
  return { slos, file: `${lines.join('\n')}\n`, count: count + slos.length * 10, groups };
}

type Phase = Awaited<ReturnType<typeof phase>>;

async function phase(withRules: boolean, files: { rules: string; slos: string } | null) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-bench-alerting-'));
  const sets =
    withRules && files
      ? [`alerting.ruleFiles=${files.rules}`, `alerting.evaluationInterval=${INTERVAL}`, `slos=${files.slos}`]
      : [];
  const th = await startTracehouse(dataDir, { sets, inheritStderr: true });
  try {
    const cpu0 = cpuSeconds(th.child.pid!);
    const threads0 = sampleCpu(th.child.pid!);
    const t0 = performance.now();
    const summary = await runLoadgen({
      endpoint: th.otlpHttp,
      protocol: 'http/protobuf',
      rate: RATE,
      durationMs: SECONDS * 1000,
      signals: ['traces'],
      seed: 11,
    });
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(th.child.pid!) - cpu0;
    const split = cpuSplit(th.child.pid!, threads0, sampleCpu(th.child.pid!));
    const lags = withRules ? await metricValues(th.api, 'tracehouse_rule_group_last_lag_seconds') : [];
    const durations = withRules ? await metricValues(th.api, 'tracehouse_rule_group_last_duration_seconds') : [];
    const failures = withRules ? await metricValues(th.api, 'tracehouse_rule_evaluation_failures_total') : [];
    const spansPerS = summary.spans.acknowledged / wall;
    console.error(
      `phase rules=${withRules} wall_s=${wall.toFixed(1)} cpu_s=${cpu.toFixed(1)} spans_per_s=${Math.round(spansPerS)} groups=${durations.length}`,
    );
    return {
      groupsEvaluated: durations.length,
      cpuPerS: cpu / wall,
      wall,
      split,
      spansPerS,
      failures: summary.failures,
      maxLag: Math.max(0, ...lags),
      maxDuration: Math.max(0, ...durations),
      sumDuration: durations.reduce((a, b) => a + b, 0),
      ruleFailures: failures.reduce((a, b) => a + b, 0),
    };
  } finally {
    await stop(th);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const ops = await discoverOperations();
const r = rules(ops);
const dir = mkdtempSync(join(tmpdir(), 'tracehouse-bench-rules-'));
const rulesPath = join(dir, 'red.rules.yml');
writeFileSync(rulesPath, r.file);
const files = { rules: rulesPath, slos: JSON.stringify(r.slos) };
try {
  // Two runs of a busy process differ by up to ~0.2 of a core on this machine (background merges),
  // as much as the target itself: the phases alternate ROUNDS times and the figure is the mean
  // of each round's difference, with the spread printed.
  const rounds: { base: Phase; withRules: Phase }[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push({ base: await phase(false, null), withRules: await phase(true, files) });
  const mean = (f: (round: { base: Phase; withRules: Phase }) => number) =>
    rounds.reduce((sum, round) => sum + f(round), 0) / rounds.length;
  const shares = rounds.map(({ base, withRules }) => withRules.cpuPerS - base.cpuPerS);
  const share = mean(({ base, withRules }) => withRules.cpuPerS - base.cpuPerS);
  // Where the rules' CPU went: the per-thread-group difference of the runs, in cores.
  const groupShare = (g: keyof CpuSplit['groups']) =>
    mean(
      ({ base, withRules }) => (withRules.split.groups[g] / withRules.wall - base.split.groups[g] / base.wall) / 1e6,
    );
  const all = rounds.map((round) => round.withRules);
  const bases = rounds.map((round) => round.base);
  const max = (f: (p: Phase) => number) => Math.max(...all.map(f));
  // Every group must have evaluated and kept up with its interval, or the CPU figure means nothing.
  const keptUp = all.every((w) => w.groupsEvaluated === r.groups && w.maxDuration < 15);
  const failures = [...all, ...bases].reduce((sum, p) => sum + p.failures, 0);
  const ruleFailures = all.reduce((sum, p) => sum + p.ruleFailures, 0);
  const ok = keptUp && share <= TARGET_CORE_SHARE && ruleFailures === 0 && failures === 0;
  console.log(
    `bench alerting rules=${r.count} groups=${r.groups} groups_evaluated=${Math.min(...all.map((w) => w.groupsEvaluated))} slos=${r.slos.length} interval=${INTERVAL} seconds=${SECONDS} rate=${RATE} rounds=${ROUNDS} ` +
      `base_cores=${mean(({ base }) => base.cpuPerS).toFixed(3)} with_rules_cores=${mean(({ withRules }) => withRules.cpuPerS).toFixed(3)} rules_core_share=${share.toFixed(3)} ` +
      `rules_core_share_min=${Math.min(...shares).toFixed(3)} rules_core_share_max=${Math.max(...shares).toFixed(3)} ` +
      `eval_round_s=${mean(({ withRules }) => withRules.sumDuration).toFixed(2)} max_group_eval_s=${max((w) => w.maxDuration).toFixed(3)} max_lag_s=${max((w) => w.maxLag).toFixed(3)} ` +
      `rules_js_cores=${groupShare('js').toFixed(3)} rules_workers_cores=${groupShare('workers').toFixed(3)} rules_query_cores=${groupShare('insert').toFixed(3)} rules_merges_cores=${groupShare('merges').toFixed(3)} rules_other_cores=${groupShare('other').toFixed(3)} ` +
      `rule_failures=${ruleFailures} target_core_share=${TARGET_CORE_SHARE} ${ok ? 'PASS' : 'MISS'}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
