import { readFileSync } from 'node:fs';
import {
  type ExpressionChecker,
  parseRuleFile,
  parseSlos,
  type RuleGroupDef,
  type SloDef,
  type SpanMetricDimension,
  sloRuleGroup,
} from '@tracehouse/alerting';
import { LATENCY_BOUNDS_SECONDS, parseDimensions } from '@tracehouse/derived';
import { parseExpr } from '@tracehouse/promql';
import { globSync } from 'tinyglobby';
import { configOrigin } from '../config/load';
import type { Config } from '../config/schema';

/** Where SLO-generated groups say they come from. */
export const SLO_ORIGIN = '(slos in the configuration)';

/** PromQL syntax check with the engine's own parser (so a rule that loads also evaluates). */
export const checkPromQL: ExpressionChecker = (expr) => {
  try {
    parseExpr(expr);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
};

export interface LoadedRules {
  groups: RuleGroupDef[];
  slos: SloDef[];
  files: string[];
}

/** `alerting.ruleFiles`: paths or globs, comma separated; a pattern that matches nothing is an error. */
export function ruleFilePaths(spec: string): string[] {
  const files: string[] = [];
  for (const raw of spec.split(',')) {
    const pattern = raw.trim();
    if (!pattern) continue;
    const isGlob = /[*?[\]{}]/.test(pattern);
    const matched = isGlob ? globSync(pattern, { absolute: false, onlyFiles: true }).sort() : [pattern];
    if (matched.length === 0) throw new Error(`alerting.ruleFiles: "${pattern}" matches no file`);
    for (const f of matched) if (!files.includes(f)) files.push(f);
  }
  return files;
}

export function sloOptions(config: Config): {
  dimensions: SpanMetricDimension[];
  latencyBoundsSeconds: readonly number[];
} {
  return { dimensions: parseDimensions(config['derived.dimensions']), latencyBoundsSeconds: LATENCY_BOUNDS_SECONDS };
}

/** The SLOs of the configuration, validated; throws naming the SLO, where it is set, and the problem. */
export function loadSlos(config: Config): SloDef[] {
  try {
    return parseSlos(config.slos || undefined, sloOptions(config));
  } catch (err) {
    const message = (err as Error).message;
    const item = /^slos\[(\d+)\]/.exec(message)?.[1];
    const origin = configOrigin(config, 'slos', item === undefined ? undefined : Number(item));
    throw origin ? new Error(`${origin}: ${message}`) : err;
  }
}

/** The rule groups generated from the SLOs (what `tracehouse slo rules` prints). */
export function sloGroups(config: Config, slos: readonly SloDef[]): RuleGroupDef[] {
  const options = {
    dimensions: sloOptions(config).dimensions,
    intervalMs: config['alerting.evaluationInterval'],
    file: SLO_ORIGIN,
  };
  return slos.map((s) => sloRuleGroup(s, options));
}

/**
 * Every rule group tracehouse evaluates: the rule files, then the SLOs' generated groups. Any
 * problem stops the start with the file, line and problem; nothing is half-loaded.
 */
export function loadRules(config: Config): LoadedRules {
  const files = ruleFilePaths(config['alerting.ruleFiles']);
  const groups: RuleGroupDef[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(
        `alerting.ruleFiles: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    groups.push(
      ...parseRuleFile(file, text, {
        defaultIntervalMs: config['alerting.evaluationInterval'],
        checkExpr: checkPromQL,
      }),
    );
  }
  const slos = loadSlos(config);
  const generated = sloGroups(config, slos);
  for (const g of generated)
    for (const r of g.rules) {
      const problem = checkPromQL(r.expr);
      // A generated rule that does not parse is our bug, not the user's: say so.
      if (problem) throw new Error(`slo rules for ${g.name}: generated expression does not parse: ${problem}`);
    }
  const names = new Set<string>();
  for (const g of [...groups, ...generated]) {
    if (names.has(g.name)) throw new Error(`${g.file}: rule group "${g.name}" is defined more than once`);
    names.add(g.name);
  }
  return { groups: [...groups, ...generated], slos, files };
}
