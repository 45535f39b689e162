import { newStamp, type Stamp, setTraceId } from '../template/stamp';
import type { TemplateUnit } from '../template/unit';
import { IdSequence } from '../workload/ids';
import { Random, seedWords } from '../workload/random';

const STREAM_SEND_TRACE_IDS = 7;
const STREAM_SEND_SPAN_KEYS = 8;

/**
 * Stamps for each send of a unit. Trace ids come from one counter-based sequence for the
 * whole run, so no two traces sent by a run share an id, however often templates repeat.
 */
export class Stamper {
  private readonly ids: IdSequence;
  private readonly keys: Random;

  constructor(seed: number | string) {
    const words = seedWords(seed);
    this.ids = new IdSequence(words, STREAM_SEND_TRACE_IDS);
    this.keys = Random.derive(words, STREAM_SEND_SPAN_KEYS, 0);
  }

  stamp(unit: TemplateUnit, shiftNs: number): Stamp {
    const stamp = newStamp(unit.traces.length);
    for (let i = 0; i < unit.traces.length; i++) setTraceId(stamp, i, this.ids.next128());
    const key = stamp.spanIdKey;
    for (let b = 0; b < 8; b += 4) {
      const word = this.keys.u32();
      key[b] = word >>> 24;
      key[b + 1] = (word >>> 16) & 0xff;
      key[b + 2] = (word >>> 8) & 0xff;
      key[b + 3] = word & 0xff;
    }
    stamp.shiftNs = shiftNs;
    return stamp;
  }
}
