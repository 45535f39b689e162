import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** Spans serialised between two turns of the event loop. */
const SPANS_PER_CHUNK = 250;

/**
 * A JSON document holding OTLP `spans` arrays, as a stream: the document without its spans
 * is serialised at once (it is small), the spans a slice at a time with a turn of the event
 * loop between slices, so a large trace never blocks ingest or /readyz for the whole of its
 * serialisation, and it is sent as it is produced instead of being built whole in memory.
 */
export function jsonWithSpansStream(doc: unknown): Readable {
  const lists: unknown[][] = [];
  // A per-response marker: no value sent by a client can imitate it.
  const marker = `spans-${randomUUID()}-`;
  const skeleton = JSON.stringify(doc, (key, value) => {
    if (key !== 'spans' || !Array.isArray(value)) return value;
    lists.push(value);
    return `${marker}${lists.length - 1}`;
  });
  const parts = skeleton.split(new RegExp(`"${marker}(\\d+)"`));
  async function* chunks(): AsyncGenerator<string> {
    for (let i = 0; i < parts.length; i++) {
      if (i % 2 === 0) {
        yield parts[i]!;
        continue;
      }
      const spans = lists[Number(parts[i])]!;
      let out = '[';
      for (let at = 0; at < spans.length; at += SPANS_PER_CHUNK) {
        const slice = JSON.stringify(spans.slice(at, at + SPANS_PER_CHUNK));
        out += (at > 0 ? ',' : '') + slice.slice(1, -1);
        yield out;
        out = '';
        await yieldToLoop();
      }
      yield `${out}]`;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
