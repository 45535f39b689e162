import { fields, stringValue, varintValue, WIRE_LEN, WIRE_VARINT } from '../wire/protobuf';

export interface PartialSuccess {
  rejected: number;
  message: string;
}

const NONE: PartialSuccess = { rejected: 0, message: '' };

/**
 * partial_success of an Export{Trace,Logs,Metrics}ServiceResponse. The three messages
 * share a shape (field 1: rejected count, field 2: error_message), so one reader serves.
 */
export function partialSuccessFromProtobuf(body: Uint8Array): PartialSuccess {
  for (const f of fields(body)) {
    if (f.number !== 1 || f.wireType !== WIRE_LEN) continue;
    let rejected = 0;
    let message = '';
    for (const p of fields(body, f.start, f.end)) {
      if (p.number === 1 && p.wireType === WIRE_VARINT) rejected = varintValue(body, p);
      else if (p.number === 2 && p.wireType === WIRE_LEN) message = stringValue(body, p);
    }
    return { rejected, message };
  }
  return NONE;
}

/** The same in OTLP/JSON: `{"partialSuccess":{"rejectedSpans":"3","errorMessage":"..."}}`. */
export function partialSuccessFromJson(text: string): PartialSuccess {
  if (text.trim() === '') return NONE;
  const doc = JSON.parse(text) as { partialSuccess?: Record<string, unknown> } | null;
  const ps = doc?.partialSuccess;
  if (!ps || typeof ps !== 'object') return NONE;
  let rejected = 0;
  for (const [key, value] of Object.entries(ps)) {
    if (key.startsWith('rejected')) rejected = Number(value) || 0;
  }
  return { rejected, message: typeof ps.errorMessage === 'string' ? ps.errorMessage : '' };
}
