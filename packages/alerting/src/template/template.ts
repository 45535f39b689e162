import { builtins, type TemplateFn, truthy } from './functions';
import { goString } from './gofmt';
import { type Arg, type Pipeline, parseTemplate, type TemplateError, type TNode } from './parse';

/** What an alert's labels and annotations can refer to, as in Prometheus. */
export interface TemplateData {
  labels: Record<string, string>;
  value: number;
  externalLabels?: Record<string, string>;
  externalUrl?: string;
}

/** Checks a template's syntax and that every function it calls exists; returns the problem or null. */
export function checkTemplate(src: string): string | null {
  try {
    const nodes = parseTemplate(src);
    const unknown = functionsUsed(nodes).find((f) => !(f in builtins) && !(f in URL_FNS));
    if (unknown)
      return unknown === 'query'
        ? 'function "query" is not supported (it needs the query engine)'
        : `function "${unknown}" not defined`;
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

const URL_FNS = { externalURL: true, pathPrefix: true };

const cache = new Map<string, TNode[] | TemplateError>();

/**
 * Expands a label or annotation template for one alert. As Prometheus does, a template that
 * fails to run becomes `<error expanding template: ...>` rather than failing the rule.
 */
export function expandTemplate(src: string, data: TemplateData): string {
  if (!src.includes('{{')) return src;
  let nodes = cache.get(src);
  if (nodes === undefined) {
    try {
      nodes = parseTemplate(src);
    } catch (err) {
      nodes = err as TemplateError;
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(src, nodes);
  }
  if (nodes instanceof Error) return `<error expanding template: ${nodes.message}>`;
  const externalUrl = data.externalUrl ?? '';
  const dot = {
    Labels: data.labels,
    ExternalLabels: data.externalLabels ?? {},
    ExternalURL: externalUrl,
    Value: data.value,
  };
  const vars = new Map<string, unknown>([
    ['$', dot],
    ['$labels', dot.Labels],
    ['$externalLabels', dot.ExternalLabels],
    ['$externalURL', externalUrl],
    ['$value', data.value],
  ]);
  const fns: Record<string, TemplateFn> = {
    ...builtins,
    externalURL: () => externalUrl,
    pathPrefix: () => {
      try {
        return new URL(externalUrl).pathname.replace(/\/$/, '');
      } catch {
        return '';
      }
    },
  };
  try {
    const out: string[] = [];
    run(nodes, dot, vars, fns, out);
    return out.join('');
  } catch (err) {
    return `<error expanding template: ${(err as Error).message}>`;
  }
}

function functionsUsed(nodes: TNode[], out: string[] = []): string[] {
  const fromPipe = (p: Pipeline) => {
    for (const c of p.cmds) for (const a of c.args) fromArg(a);
  };
  const fromArg = (a: Arg) => {
    if (a.t === 'fn') out.push(a.name);
    else if (a.t === 'pipe') fromPipe(a.pipe);
    else if (a.t === 'field' && a.of) fromArg(a.of);
  };
  for (const n of nodes) {
    if (n.t === 'action') fromPipe(n.pipe);
    else if (n.t === 'if' || n.t === 'with') {
      fromPipe(n.pipe);
      functionsUsed(n.body, out);
      functionsUsed(n.else, out);
    } else if (n.t === 'range') {
      fromPipe(n.pipe);
      functionsUsed(n.body, out);
      functionsUsed(n.else, out);
    }
  }
  return out;
}

type Vars = Map<string, unknown>;

function run(nodes: TNode[], dot: unknown, vars: Vars, fns: Record<string, TemplateFn>, out: string[]): void {
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        out.push(n.text);
        break;
      case 'action': {
        const v = pipeline(n.pipe, dot, vars, fns);
        if (n.pipe.decl.length === 0) out.push(goString(v));
        break;
      }
      case 'if':
      case 'with': {
        const scope = new Map(vars);
        const v = pipeline(n.pipe, dot, scope, fns);
        if (truthy(v)) run(n.body, n.t === 'with' ? v : dot, scope, fns, out);
        else run(n.else, dot, scope, fns, out);
        break;
      }
      case 'range': {
        const scope = new Map(vars);
        const v = evalCommands(n.pipe, dot, scope, fns);
        const items: [unknown, unknown][] = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : v && typeof v === 'object'
            ? Object.keys(v)
                .sort()
                .map((k) => [k, (v as Record<string, unknown>)[k]])
            : typeof v === 'number'
              ? Array.from({ length: Math.max(0, Math.trunc(v)) }, (_, i) => [i, i])
              : [];
        if (items.length === 0) {
          run(n.else, dot, scope, fns, out);
          break;
        }
        for (const [k, x] of items) {
          const iter = new Map(scope);
          if (n.pipe.decl.length === 1) iter.set(n.pipe.decl[0]!, x);
          else if (n.pipe.decl.length >= 2) {
            iter.set(n.pipe.decl[0]!, k);
            iter.set(n.pipe.decl[1]!, x);
          }
          run(n.body, x, iter, fns, out);
        }
        break;
      }
    }
  }
}

function pipeline(p: Pipeline, dot: unknown, vars: Vars, fns: Record<string, TemplateFn>): unknown {
  const v = evalCommands(p, dot, vars, fns);
  for (const name of p.decl) {
    if (p.assign && !vars.has(name)) throw new Error(`undefined variable: ${name}`);
    vars.set(name, v);
  }
  return v;
}

function evalCommands(p: Pipeline, dot: unknown, vars: Vars, fns: Record<string, TemplateFn>): unknown {
  let prev: unknown;
  let first = true;
  for (const cmd of p.cmds) {
    const [head, ...rest] = cmd.args;
    const piped = first ? [] : [prev];
    if (head!.t === 'fn') {
      const fn = fns[head!.name];
      if (!fn) throw new Error(`function "${head!.name}" not defined`);
      prev = fn(...rest.map((a) => arg(a, dot, vars, fns)), ...piped);
    } else {
      if (rest.length > 0 || !first) throw new Error(`can't give argument to non-function ${describe(head!)}`);
      prev = arg(head!, dot, vars, fns);
    }
    first = false;
  }
  return prev;
}

function describe(a: Arg): string {
  return a.t === 'lit' ? goString(a.value) : a.t === 'var' ? a.name : a.t;
}

function arg(a: Arg, dot: unknown, vars: Vars, fns: Record<string, TemplateFn>): unknown {
  switch (a.t) {
    case 'dot':
      return dot;
    case 'lit':
      return a.value;
    case 'var':
      if (!vars.has(a.name)) throw new Error(`undefined variable "${a.name}"`);
      return vars.get(a.name);
    case 'fn': {
      const fn = fns[a.name];
      if (!fn) throw new Error(`function "${a.name}" not defined`);
      return fn();
    }
    case 'pipe':
      return evalCommands(a.pipe, dot, vars, fns);
    case 'field': {
      let v = a.of ? arg(a.of, dot, vars, fns) : dot;
      for (const name of a.names) {
        if (v === null || v === undefined) throw new Error(`nil pointer evaluating .${name}`);
        if (typeof v !== 'object') throw new Error(`can't evaluate field ${name} in ${typeof v}`);
        // Missing keys of a label map read as '', as Go's map[string]string does.
        v = (v as Record<string, unknown>)[name] ?? '';
      }
      return v;
    }
  }
}
