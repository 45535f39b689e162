import { TraceQLError } from './errors';

/** 2^63: durations (int64 ns) must stay below it. */
const INT64_LIMIT = 2 ** 63;

export type TokenKind = 'punct' | 'op' | 'string' | 'number' | 'duration' | 'word' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Punctuation or operator text, the word, or the decoded string. */
  text: string;
  /** Value of a number, or nanoseconds of a duration. */
  num?: number;
  integer?: boolean;
  /** 0-based offset of the token's first character in the query. */
  pos: number;
}

const PUNCT = new Set(['{', '}', '(', ')', ',', '|']);
const TWO_CHAR_OPS = ['&&', '||', '!=', '>=', '<=', '=~', '!~'];
const ONE_CHAR_OPS = new Set(['=', '>', '<']);
/** Characters that end a word: whitespace, punctuation, operators and quotes. */
const WORD_END = /[\s{}()=!<>&|~,"`]/;

const UNIT_NANOS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const NUMBER = /^-?(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)?/;

/** Splits a query into tokens; an unterminated string or a stray character is a positioned error. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (TWO_CHAR_OPS.includes(two)) {
      tokens.push({ kind: 'op', text: two, pos: i });
      i += 2;
      continue;
    }
    // `|` after `||` was ruled out above: a lone bar starts a pipeline stage.
    if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      tokens.push({ kind: 'op', text: c, pos: i });
      i++;
      continue;
    }
    if (c === '"' || c === '`') {
      const [text, end] = readString(input, i);
      tokens.push({ kind: 'string', text, pos: i });
      i = end;
      continue;
    }
    if (/\d/.test(c) || (c === '-' && /\d/.test(input[i + 1] ?? ''))) {
      const m = NUMBER.exec(input.slice(i))!;
      const after = input[i + m[0].length];
      if (after !== undefined && !WORD_END.test(after)) {
        throw new TraceQLError(`invalid number or duration '${input.slice(i).split(WORD_END)[0]}'`, i, [
          'a number',
          'a duration like 250ms',
        ]);
      }
      const digits = m[0].slice(0, m[0].length - (m[2]?.length ?? 0));
      const value = Number(digits);
      const integer = m[1]!.indexOf('.') < 0;
      const num = m[2] ? Math.round(value * UNIT_NANOS[m[2]]!) : value;
      // What the store compares with is an int64 (ns durations, integer attributes) or a double.
      const fits = m[2] ? Math.abs(num) < INT64_LIMIT : integer ? Number.isSafeInteger(value) : Number.isFinite(num);
      if (!fits) {
        throw new TraceQLError(`${m[2] ? 'duration' : 'number'} '${m[0]}' is out of range`, i, [
          m[2]
            ? 'a duration under 292 years'
            : integer
              ? 'an integer within ±2^53 (compared exactly)'
              : 'a finite number',
        ]);
      }
      if (m[2]) tokens.push({ kind: 'duration', text: m[0], num, pos: i });
      else tokens.push({ kind: 'number', text: m[0], num: value, integer, pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_.]/.test(c)) {
      let j = i;
      while (j < input.length && !WORD_END.test(input[j]!)) j++;
      let text = input.slice(i, j);
      // span."attribute with spaces": a scope followed by a quoted key is one word.
      if (text.endsWith('.') && input[j] === '"') {
        const [key, end] = readString(input, j);
        text += key;
        j = end;
      }
      tokens.push({ kind: 'word', text, pos: i });
      i = j;
      continue;
    }
    throw new TraceQLError(`unexpected character '${c}'`, i, ['a spanset filter such as { name = "GET /" }']);
  }
  tokens.push({ kind: 'eof', text: '', pos: input.length });
  return tokens;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', '`': '`' };

/** A double-quoted string with backslash escapes, or a raw backtick string. */
function readString(input: string, start: number): [string, number] {
  const quote = input[start]!;
  let out = '';
  let i = start + 1;
  while (i < input.length) {
    const c = input[i]!;
    if (c === quote) return [out, i + 1];
    if (c === '\\' && quote === '"') {
      const next = input[i + 1];
      if (next === undefined) break;
      out += ESCAPES[next] ?? `\\${next}`;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw new TraceQLError('unterminated string', start, [`a closing ${quote}`]);
}
