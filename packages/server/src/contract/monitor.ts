import { type ContractFinding, type ContractRules, DEFAULT_TENANT, type Store } from '@tracehouse/store';
import { Gauge, type Registry } from 'prom-client';
import type { Config } from '../config/schema';
import type { Processor } from '../processor/loop';

/** GET /api/v1/contract: per service, the rules it breaks. */
export interface ContractReport {
  services: { service: string; violations: ContractViolation[] }[];
}

export interface ContractViolation {
  rule: string;
  detail: string;
  firstSeen: string;
  lastSeen: string;
  examples: string[];
}

interface TenantReport {
  report: ContractReport;
  computedAt: number;
}

/**
 * The telemetry contract, checked by SQL over stored telemetry every `contract.interval` in the
 * processor loop (never on the ingest path). Reports are kept per tenant that has one (the
 * default tenant, and any tenant whose viewer asked); `firstSeen` outlives the window and the
 * process (stored in `contract_first_seen`), so an old violation stays old after a restart. `tracehouse_contract_violations{tenant,service,rule}` lets an alert fire
 * on a new violation.
 */
export class ContractMonitor implements Processor {
  readonly name = 'contract';
  private readonly reports = new Map<string, TenantReport>();
  /** tenant -> violation key -> first seen (ns), across windows; loaded from the store once per tenant. */
  private readonly firstSeen = new Map<string, Map<string, string>>();
  private readonly gauge: Gauge<'tenant' | 'service' | 'rule'>;

  constructor(
    private readonly store: Store,
    private readonly rules: ContractRules,
    private readonly options: { intervalMs: number; windowMs: number },
    registry: Registry,
  ) {
    this.gauge = new Gauge({
      name: 'tracehouse_contract_violations',
      help: 'Telemetry-contract violations per service and rule in the last contract.window (see GET /api/v1/contract)',
      labelNames: ['tenant', 'service', 'rule'],
      registers: [registry],
    });
  }

  static fromConfig(store: Store, config: Config, registry: Registry): ContractMonitor {
    const list = (s: string) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    return new ContractMonitor(
      store,
      {
        requiredResourceAttributes: list(config['contract.requiredResourceAttributes']),
        correlationAttribute: config['contract.correlationAttribute'].trim(),
        maxDistinctValues: config['contract.maxDistinctValues'],
        redactionReplacement: config['redaction.replacement'],
      },
      { intervalMs: config['contract.interval'], windowMs: config['contract.window'] },
      registry,
    );
  }

  async tick(nowMs: number): Promise<void> {
    const tenants = new Set([DEFAULT_TENANT, ...this.reports.keys()]);
    for (const tenant of tenants) {
      const current = this.reports.get(tenant);
      if (!current || nowMs - current.computedAt >= this.options.intervalMs) await this.refresh(tenant, nowMs);
    }
  }

  /** The tenant's latest report, computed now when it has none or it is older than the interval. */
  async report(tenant: string, nowMs: number): Promise<ContractReport> {
    const current = this.reports.get(tenant);
    if (current && nowMs - current.computedAt < this.options.intervalMs) return current.report;
    return this.refresh(tenant, nowMs);
  }

  private async refresh(tenant: string, nowMs: number): Promise<ContractReport> {
    const end = nowMs / 1000;
    const findings = await this.store.contractFindings(
      { tenant, start: end - this.options.windowMs / 1000, end },
      this.rules,
    );
    const report = await this.toReport(tenant, findings);
    this.reports.set(tenant, { report, computedAt: nowMs });
    this.gauge.reset();
    for (const [name, { report: r }] of this.reports) {
      for (const { service, violations } of r.services) {
        const byRule = new Map<string, number>();
        for (const v of violations) byRule.set(v.rule, (byRule.get(v.rule) ?? 0) + 1);
        for (const [rule, n] of byRule) this.gauge.set({ tenant: name, service, rule }, n);
      }
    }
    return report;
  }

  private async toReport(tenant: string, findings: ContractFinding[]): Promise<ContractReport> {
    let seen = this.firstSeen.get(tenant);
    if (!seen) {
      seen = await this.store.contractFirstSeen(tenant);
      this.firstSeen.set(tenant, seen);
    }
    const changed = new Map<string, string>();
    const services = new Map<string, ContractViolation[]>();
    for (const f of findings) {
      // Counts in the detail change from window to window; the violation stays the same one.
      const key = `${f.service}\u0000${f.rule}\u0000${f.detail.replace(/\d+/g, '#')}`;
      const first = seen.get(key);
      const firstSeen = first !== undefined && BigInt(first) <= BigInt(f.firstSeen) ? first : f.firstSeen;
      if (firstSeen !== first) changed.set(key, firstSeen);
      seen.set(key, firstSeen);
      const list = services.get(f.service) ?? [];
      list.push({ rule: f.rule, detail: f.detail, firstSeen, lastSeen: f.lastSeen, examples: f.examples });
      services.set(f.service, list);
    }
    await this.store.saveContractFirstSeen(tenant, changed);
    return {
      services: [...services.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([service, violations]) => ({ service, violations })),
    };
  }
}
