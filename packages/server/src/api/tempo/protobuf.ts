/**
 * tempopb.TraceByIDResponse { Trace trace = 1; ... }: the Trace is wire-identical to OTLP
 * TracesData, so the response is that message as field 1 (status COMPLETE is the default 0
 * and is left out). Grafana fails with "unexpected EOF" on a bare TracesData here.
 */
export function traceByIdResponse(tracesData: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = tracesData.length;
  while (n > 0x7f) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  const out = new Uint8Array(1 + len.length + tracesData.length);
  out[0] = 0x0a; // field 1, wire type 2 (length-delimited)
  out.set(len, 1);
  out.set(tracesData, 1 + len.length);
  return out;
}
