import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import { parsePromDuration } from '../duration';
import { LABEL_NAME, type Labels, METRIC_NAME_RE } from '../labels';
import type { ExpressionChecker } from '../querier';
import { checkTemplate } from '../template/template';
import type { AlertingRuleDef, RecordingRuleDef, RuleDef, RuleGroupDef } from './model';

/** A rule file that cannot be loaded: names the file, the line and the problem. */
export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'RuleFileError';
  }
}

export interface ParseOptions {
  /** The group interval when a group names none (ms). */
  defaultIntervalMs: number;
  /** PromQL syntax check for every `expr`. */
  checkExpr: ExpressionChecker;
}

const GROUP_KEYS = new Set(['name', 'interval', 'limit', 'rules', 'query_offset', 'labels']);
const ALERT_KEYS = new Set(['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);
const RECORD_KEYS = new Set(['record', 'expr', 'labels']);

/**
 * Parses a Prometheus rule file (the `groups:` format of `promtool check rules`), strictly:
 * unknown keys, bad durations, label names, templates and expressions are errors with the line
 * they are on.
 */
export function parseRuleFile(file: string, text: string, options: ParseOptions): RuleGroupDef[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const fail = (node: Node | null | undefined, problem: string): never => {
    throw new RuleFileError(file, lineOf(node), problem);
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new RuleFileError(file, e.linePos?.[0]?.line ?? 1, e.message.split('\n')[0]!);
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return [];
  if (!isMap(root)) return fail(root, 'expected a map with "groups:"');
  for (const pair of root.items) {
    const key = String((pair.key as Node & { value?: unknown })?.toString());
    if (key !== 'groups') fail(pair.key as Node, `unknown key "${key}" (a rule file has only "groups:")`);
  }
  const groupsNode = root.get('groups', true) as Node | undefined;
  if (groupsNode === undefined || (isScalar(groupsNode) && groupsNode.value === null)) return [];
  if (!isSeq(groupsNode)) return fail(groupsNode, '"groups" must be a list');

  const names = new Set<string>();
  const groups: RuleGroupDef[] = [];
  for (const g of groupsNode.items as Node[]) {
    if (!isMap(g)) fail(g, 'a group must be a map with name and rules');
    const group = g as YAMLMap;
    checkKeys(group, GROUP_KEYS, 'group', fail);
    const name = str(group, 'name', fail, true)!;
    if (name === '') fail(group, 'group name must not be empty');
    if (names.has(name)) fail(group.get('name', true) as Node, `group "${name}" is defined twice in this file`);
    names.add(name);
    const where = `group "${name}"`;
    const intervalText = str(group, 'interval', fail);
    const intervalMs =
      intervalText === undefined ? options.defaultIntervalMs : duration(group, 'interval', intervalText, fail);
    if (intervalMs <= 0) fail(group.get('interval', true) as Node, `${where}: interval must be positive`);
    const limitNode = group.get('limit', true) as Node | undefined;
    const limit = limitNode === undefined ? 0 : Number((limitNode as { value?: unknown }).value);
    if (!Number.isInteger(limit) || limit < 0) fail(limitNode, `${where}: limit must be a whole number >= 0`);
    const groupLabels = labelMap(group, 'labels', where, fail);
    const rulesNode = group.get('rules', true) as Node | undefined;
    const rules: RuleDef[] = [];
    if (rulesNode !== undefined && !(isScalar(rulesNode) && rulesNode.value === null)) {
      if (!isSeq(rulesNode)) fail(rulesNode, `${where}: "rules" must be a list`);
      (rulesNode as { items: Node[] }).items.forEach((r, i) => {
        rules.push(parseRule(r, `${where}, rule ${i + 1}`, groupLabels, { file, lineOf, fail, options }));
      });
    }
    groups.push({ name, file, intervalMs, limit, rules });
  }
  return groups;
}

type Fail = (node: Node | null | undefined, problem: string) => never;

interface RuleContext {
  file: string;
  lineOf: (node: Node | null | undefined) => number;
  fail: Fail;
  options: ParseOptions;
}

function parseRule(node: Node, where: string, groupLabels: Labels, ctx: RuleContext): RuleDef {
  const { fail } = ctx;
  if (!isMap(node)) return fail(node, `${where}: a rule must be a map with alert or record, and expr`);
  const alert = str(node, 'alert', fail);
  const record = str(node, 'record', fail);
  if ((alert === undefined) === (record === undefined))
    fail(node, `${where}: a rule needs exactly one of "alert" and "record"`);
  checkKeys(
    node,
    alert !== undefined ? ALERT_KEYS : RECORD_KEYS,
    `${where} (${alert !== undefined ? 'alerting' : 'recording'} rule)`,
    fail,
  );
  const exprNode = node.get('expr', true) as Node | undefined;
  const expr = str(node, 'expr', fail, true)!.trim();
  if (expr === '') fail(exprNode ?? node, `${where}: "expr" must not be empty`);
  const problem = ctx.options.checkExpr(expr);
  if (problem) fail(exprNode, `${where}: expr: ${problem}`);
  const labels = { ...groupLabels, ...labelMap(node, 'labels', where, fail) };
  const origin = { file: ctx.file, line: ctx.lineOf(node) };
  if (record !== undefined) {
    if (!METRIC_NAME_RE.test(record))
      fail(node.get('record', true) as Node, `${where}: "${record}" is not a valid metric name`);
    if ('__name__' in labels) fail(node, `${where}: a recording rule cannot set __name__ in labels`);
    for (const [k, v] of Object.entries(labels)) checkTemplateAt(node, 'labels', k, v, where, fail);
    const rule: RecordingRuleDef = { kind: 'recording', record, expr, labels, origin };
    return rule;
  }
  const name = alert!;
  if (!LABEL_NAME.test(name) && !/^[^\s{}]+$/.test(name)) fail(node, `${where}: invalid alert name "${name}"`);
  const forText = str(node, 'for', fail);
  const keepText = str(node, 'keep_firing_for', fail);
  const annotations = labelMap(node, 'annotations', where, fail, false);
  for (const [k, v] of Object.entries(labels)) checkTemplateAt(node, 'labels', k, v, where, fail);
  for (const [k, v] of Object.entries(annotations)) checkTemplateAt(node, 'annotations', k, v, where, fail);
  const rule: AlertingRuleDef = {
    kind: 'alerting',
    alert: name,
    expr,
    forMs: forText === undefined ? 0 : duration(node, 'for', forText, fail),
    keepFiringForMs: keepText === undefined ? 0 : duration(node, 'keep_firing_for', keepText, fail),
    labels,
    annotations,
    origin,
  };
  return rule;
}

function checkKeys(map: YAMLMap, allowed: Set<string>, where: string, fail: Fail): void {
  for (const pair of map.items) {
    const key = String((pair.key as { value?: unknown })?.value);
    if (!allowed.has(key))
      fail(pair.key as Node, `${where}: unknown key "${key}" (allowed: ${[...allowed].join(', ')})`);
  }
}

function str(map: YAMLMap, key: string, fail: Fail, required = false): string | undefined {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined || (isScalar(node) && node.value === null)) {
    if (required) fail(map, `"${key}" is required`);
    return undefined;
  }
  if (!isScalar(node) || typeof node.value === 'object') return fail(node, `"${key}" must be a string`);
  return String(node.value);
}

function duration(map: YAMLMap, key: string, text: string, fail: Fail): number {
  try {
    return parsePromDuration(text);
  } catch (err) {
    return fail(map.get(key, true) as Node, `"${key}": ${(err as Error).message}`);
  }
}

function labelMap(map: YAMLMap, key: string, where: string, fail: Fail, checkNames = true): Labels {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined || (isScalar(node) && node.value === null)) return {};
  if (!isMap(node)) return fail(node, `${where}: "${key}" must be a map of name: value`);
  const out: Labels = {};
  for (const pair of node.items) {
    const name = String((pair.key as { value?: unknown })?.value);
    if (checkNames && !LABEL_NAME.test(name)) fail(pair.key as Node, `${where}: "${name}" is not a valid label name`);
    const value = pair.value as Node | null;
    if (value !== null && (!isScalar(value) || typeof value.value === 'object'))
      fail(value, `${where}: ${key}.${name} must be a string`);
    out[name] = value === null ? '' : String((value as { value: unknown }).value ?? '');
  }
  return out;
}

function checkTemplateAt(map: YAMLMap, key: string, name: string, text: string, where: string, fail: Fail): void {
  const problem = checkTemplate(text);
  if (!problem) return;
  const node = (map.get(key, true) as YAMLMap | undefined)?.get(name, true) as Node | undefined;
  fail(node ?? map, `${where}: ${key}.${name}: template: ${problem}`);
}
