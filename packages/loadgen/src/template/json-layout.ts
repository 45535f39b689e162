import { LayoutBuilder, LayoutError, type PayloadLayout } from './layout';

/**
 * Offsets in an OTLP/JSON payload. A key like `"spanId":"` can only occur as a key:
 * inside a JSON string a quote is escaped, so the byte before `spanId` would be `\`.
 */
const TRACE_ID = Buffer.from('"traceId":"');
const SPAN_IDS = [Buffer.from('"spanId":"'), Buffer.from('"parentSpanId":"')];
const TIMES = ['"startTimeUnixNano":', '"endTimeUnixNano":', '"timeUnixNano":', '"observedTimeUnixNano":'].map((k) =>
  Buffer.from(k),
);

const QUOTE = 0x22;
/** Nanosecond times from 2001 to 2286 all have 19 digits, which lets stamping work in place. */
export const TIME_DIGITS = 19;

function* occurrences(buf: Buffer, key: Buffer): Generator<number> {
  for (let at = buf.indexOf(key); at !== -1; at = buf.indexOf(key, at + key.length)) yield at + key.length;
}

function isHex(buf: Buffer, start: number, length: number): boolean {
  for (let i = start; i < start + length; i++) {
    const c = buf[i];
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

export function jsonLayout(buf: Buffer, traceIndex: ReadonlyMap<string, number>): PayloadLayout {
  const layout = new LayoutBuilder(traceIndex);
  for (const at of occurrences(buf, TRACE_ID)) {
    if (buf[at] === QUOTE) continue;
    if (!isHex(buf, at, 32) || buf[at + 32] !== QUOTE)
      throw new LayoutError(`trace id at ${at} is not 32 lowercase hex`);
    layout.traceId(at, buf.toString('latin1', at, at + 32));
  }
  for (const key of SPAN_IDS) {
    for (const at of occurrences(buf, key)) {
      if (buf[at] === QUOTE) continue;
      if (!isHex(buf, at, 16) || buf[at + 16] !== QUOTE)
        throw new LayoutError(`span id at ${at} is not 16 lowercase hex`);
      layout.spanId(at);
    }
  }
  for (const key of TIMES) {
    for (let at of occurrences(buf, key)) {
      if (buf[at] === QUOTE) at++;
      let digits = 0;
      while (buf[at + digits] >= 0x30 && buf[at + digits] <= 0x39) digits++;
      if (digits === 1 && buf[at] === 0x30) continue;
      if (digits !== TIME_DIGITS)
        throw new LayoutError(`timestamp at ${at} has ${digits} digits, expected ${TIME_DIGITS}`);
      layout.time(at);
    }
  }
  return layout.build();
}
