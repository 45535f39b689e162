/**
 * The part of Go's text/template that Prometheus alert templates use: text, {{ pipelines }}
 * with variables, fields, functions and `|`, if / else if / else, range, with, trim markers
 * and comments. Parsed once per rule; executed per alert.
 */

export class TemplateError extends Error {}

export type Arg =
  | { t: 'dot' }
  | { t: 'field'; of: Arg | null; names: string[] }
  | { t: 'var'; name: string }
  | { t: 'lit'; value: string | number | boolean | null }
  | { t: 'fn'; name: string }
  | { t: 'pipe'; pipe: Pipeline };

export interface Command {
  args: Arg[];
}

export interface Pipeline {
  decl: string[];
  /** `=` assigns an existing variable, `:=` declares. */
  assign: boolean;
  cmds: Command[];
}

export type TNode =
  | { t: 'text'; text: string }
  | { t: 'action'; pipe: Pipeline }
  | { t: 'if' | 'with'; pipe: Pipeline; body: TNode[]; else: TNode[] }
  | { t: 'range'; pipe: Pipeline; body: TNode[]; else: TNode[] };

type Tok =
  | { k: 'str' | 'num' | 'ident' | 'var' | 'field'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: '|' | '(' | ')' | ':=' | '=' | ',' | '.' | 'nil' };

/** Splits `{{ }}` actions from text, honouring `{{-` / `-}}` trimming and comments. */
function splitActions(src: string): { text?: string; action?: string }[] {
  const out: { text?: string; action?: string }[] = [];
  let pos = 0;
  while (pos < src.length) {
    const open = src.indexOf('{{', pos);
    if (open < 0) {
      out.push({ text: src.slice(pos) });
      break;
    }
    let text = src.slice(pos, open);
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) out.push({ text });
    let close: number;
    if (src.startsWith('/*', start.valueOf()) || /^\s*\/\*/.test(src.slice(start, start + 4))) {
      const endComment = src.indexOf('*/', start);
      if (endComment < 0) throw new TemplateError('unclosed comment');
      close = src.indexOf('}}', endComment);
    } else close = findClose(src, start);
    if (close < 0) throw new TemplateError('unclosed action: missing }}');
    let body = src.slice(start, close);
    pos = close + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      const m = /^\s*/.exec(src.slice(pos))!;
      pos += m[0].length;
    }
    if (!/^\s*\/\*[\s\S]*\*\/\s*$/.test(body)) out.push({ action: body });
  }
  return out;
}

/** The `}}` that closes an action, skipping quoted strings. */
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      for (i++; i < src.length && src[i] !== '"'; i++) if (src[i] === '\\') i++;
    } else if (c === '`') {
      i = src.indexOf('`', i + 1);
      if (i < 0) return -1;
    } else if (c === '}' && src[i + 1] === '}') return i;
  }
  return -1;
}

function lex(action: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const s = action;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) if (s[j] === '\\') j++;
      if (j >= s.length) throw new TemplateError('unterminated quoted string');
      try {
        toks.push({ k: 'str', v: JSON.parse(s.slice(i, j + 1)) as string });
      } catch {
        throw new TemplateError(`bad string ${s.slice(i, j + 1)}`);
      }
      i = j + 1;
    } else if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError('unterminated raw string');
      toks.push({ k: 'str', v: s.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '|' || c === '(' || c === ')' || c === ',') {
      toks.push({ k: c });
      i++;
    } else if (c === ':' && s[i + 1] === '=') {
      toks.push({ k: ':=' });
      i += 2;
    } else if (c === '=') {
      toks.push({ k: '=' });
      i++;
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(s.slice(i))!;
      toks.push({ k: 'var', v: m[0] });
      i += m[0].length;
    } else if (c === '.') {
      const m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
      if (m) {
        toks.push({ k: 'field', v: m[0].slice(1) });
        i += m[0].length;
      } else if (/[0-9]/.test(s[i + 1] ?? '')) {
        const n = /^\.[0-9]+([eE][-+]?[0-9]+)?/.exec(s.slice(i))!;
        toks.push({ k: 'num', v: n[0] });
        i += n[0].length;
      } else {
        toks.push({ k: '.' });
        i++;
      }
    } else if (/[-+0-9]/.test(c)) {
      const m = /^[-+]?(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?)/.exec(s.slice(i));
      if (!m) throw new TemplateError(`unexpected "${c}"`);
      toks.push({ k: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))!;
      const w = m[0];
      if (w === 'true' || w === 'false') toks.push({ k: 'bool', v: w === 'true' });
      else if (w === 'nil') toks.push({ k: 'nil' });
      else toks.push({ k: 'ident', v: w });
      i += w.length;
    } else throw new TemplateError(`unexpected "${c}" in action`);
  }
  return toks;
}

class PipeParser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  get done(): boolean {
    return this.i >= this.toks.length;
  }

  pipeline(allowDecl: boolean): Pipeline {
    const decl: string[] = [];
    let assign = false;
    if (allowDecl) {
      // `$x :=`, `$x =`, `$k, $v :=`
      let j = this.i;
      const vars: string[] = [];
      while (this.toks[j]?.k === 'var') {
        vars.push((this.toks[j] as { v: string }).v);
        j++;
        if (this.toks[j]?.k === ',') j++;
        else break;
      }
      const op = this.toks[j]?.k;
      if (vars.length > 0 && (op === ':=' || op === '=')) {
        decl.push(...vars);
        assign = op === '=';
        this.i = j + 1;
      }
    }
    const cmds: Command[] = [this.command()];
    while (this.toks[this.i]?.k === '|') {
      this.i++;
      cmds.push(this.command());
    }
    return { decl, assign, cmds };
  }

  private command(): Command {
    const args: Arg[] = [];
    for (;;) {
      const tok = this.toks[this.i];
      if (!tok || tok.k === '|' || tok.k === ')') break;
      args.push(this.operand());
    }
    if (args.length === 0) throw new TemplateError('missing value for command');
    return { args };
  }

  private operand(): Arg {
    const tok = this.toks[this.i++]!;
    let arg: Arg;
    switch (tok.k) {
      case 'str':
        arg = { t: 'lit', value: tok.v };
        break;
      case 'num':
        arg = { t: 'lit', value: Number(tok.v) };
        break;
      case 'bool':
        arg = { t: 'lit', value: tok.v };
        break;
      case 'nil':
        arg = { t: 'lit', value: null };
        break;
      case 'ident':
        arg = { t: 'fn', name: tok.v };
        break;
      case 'var':
        arg = { t: 'var', name: tok.v };
        break;
      case '.':
        arg = { t: 'dot' };
        break;
      case 'field':
        this.i--;
        arg = { t: 'field', of: null, names: [] };
        break;
      case '(': {
        const pipe = this.pipeline(false);
        if (this.toks[this.i++]?.k !== ')') throw new TemplateError('unclosed left paren');
        arg = { t: 'pipe', pipe };
        break;
      }
      default:
        throw new TemplateError(`unexpected "${tok.k}" in operand`);
    }
    const names: string[] = [];
    while (this.toks[this.i]?.k === 'field') names.push((this.toks[this.i++] as { v: string }).v);
    if (names.length > 0) {
      if (arg.t === 'field') return { t: 'field', of: null, names };
      if (arg.t === 'lit' || arg.t === 'fn') throw new TemplateError('unexpected field access');
      return { t: 'field', of: arg, names };
    }
    return arg;
  }
}

type Frame = { kind: 'root' } | { kind: 'if' | 'with' | 'range'; node: TNode; inElse: boolean };

/** Parses a template; throws TemplateError on bad syntax. */
export function parseTemplate(src: string): TNode[] {
  const root: TNode[] = [];
  const stack: { frame: Frame; into: TNode[] }[] = [{ frame: { kind: 'root' }, into: root }];
  const top = () => stack[stack.length - 1]!;
  for (const part of splitActions(src)) {
    if (part.text !== undefined) {
      top().into.push({ t: 'text', text: part.text });
      continue;
    }
    const toks = lex(part.action!);
    if (toks.length === 0) throw new TemplateError('missing value for command');
    const head = toks[0]!;
    const word = head.k === 'ident' ? head.v : '';
    const rest = () => {
      const p = new PipeParser(toks.slice(1));
      const pipe = p.pipeline(true);
      if (!p.done) throw new TemplateError(`unexpected token in ${word}`);
      return pipe;
    };
    if (word === 'if' || word === 'with' || word === 'range') {
      const pipe = rest();
      const node: TNode =
        word === 'range' ? { t: 'range', pipe, body: [], else: [] } : { t: word, pipe, body: [], else: [] };
      top().into.push(node);
      stack.push({ frame: { kind: word, node, inElse: false }, into: node.body });
    } else if (word === 'else') {
      const cur = top();
      if (cur.frame.kind === 'root' || cur.frame.inElse) throw new TemplateError('unexpected {{else}}');
      const node = cur.frame.node as TNode & { else: TNode[] };
      cur.frame.inElse = true;
      if (toks.length > 1) {
        // `else if` / `else with`: a nested block in the else branch, closed by the same {{end}}.
        const kw = toks[1]!;
        if (kw.k !== 'ident' || (kw.v !== 'if' && kw.v !== 'with'))
          throw new TemplateError('unexpected token after else');
        const p = new PipeParser(toks.slice(2));
        const pipe = p.pipeline(true);
        if (!p.done) throw new TemplateError('unexpected token in else');
        const nested: TNode = { t: kw.v, pipe, body: [], else: [] };
        node.else.push(nested);
        cur.into = nested.body;
        cur.frame = { kind: kw.v, node: nested, inElse: false };
      } else cur.into = node.else;
    } else if (word === 'end') {
      if (toks.length > 1) throw new TemplateError('unexpected token after end');
      if (stack.length === 1) throw new TemplateError('unexpected {{end}}');
      stack.pop();
    } else if (
      word === 'define' ||
      word === 'template' ||
      word === 'block' ||
      word === 'break' ||
      word === 'continue'
    ) {
      throw new TemplateError(`{{${word}}} is not supported in alert templates`);
    } else {
      const p = new PipeParser(toks);
      const pipe = p.pipeline(true);
      if (!p.done) throw new TemplateError('unexpected ")"');
      top().into.push({ t: 'action', pipe });
    }
  }
  if (stack.length > 1)
    throw new TemplateError(`unexpected EOF: missing {{end}} of {{${(top().frame as { kind: string }).kind}}}`);
  return root;
}
