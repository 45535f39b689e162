import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogs, decodeTraces, type LogRecord, type SpanRecord } from '@tracehouse/otlp';
import { Stamper } from '../../src/run/stamper';
import { stampJson, stampProtobuf } from '../../src/template/stamp';
import { buildUnit, type PayloadFormat, type TemplateUnit } from '../../src/template/unit';
import { createWorkload } from '../../src/workload/workload';

const T0 = 1_750_000_000_000_000_000n;
const SHIFT = 3_723_000_000_777;

function unit(format: PayloadFormat): TemplateUnit {
  const w = createWorkload({ seed: 'stamp', errorFraction: 0.3, slowFraction: 0.2 });
  const traces = Array.from({ length: 40 }, (_, i) => w.nextTrace(T0 + BigInt(i) * 1_000_000n));
  return buildUnit(traces, { format, batch: 100_000, splitTraces: 1, logs: true });
}

/** The record with ids and times blanked, to compare everything else. */
function rest<T extends SpanRecord | LogRecord>(r: T): unknown {
  const copy: Record<string, unknown> = { ...r };
  for (const k of ['TraceId', 'SpanId', 'ParentSpanId', 'Timestamp', 'ObservedTimestamp', 'Events.Timestamp']) {
    delete copy[k];
  }
  if ('Links.TraceId' in copy) {
    delete copy['Links.TraceId'];
    delete copy['Links.SpanId'];
  }
  return copy;
}

for (const format of ['protobuf', 'json'] as const) {
  describe(`stamping ${format} templates`, () => {
    const u = unit(format);
    const [spansBody, logsBody] = u.bodies;
    const stampOf = (seed: number) => new Stamper(seed).stamp(u, SHIFT);
    const apply = format === 'protobuf' ? stampProtobuf : stampJson;
    const before = decodeTraces(spansBody.bytes, format).records;
    const stamp = stampOf(1);
    const after = decodeTraces(apply(spansBody.bytes, spansBody.layout, stamp), format).records;
    const logsBefore = decodeLogs(logsBody.bytes, format).records;
    const logsAfter = decodeLogs(apply(logsBody.bytes, logsBody.layout, stamp), format).records;

    it('leaves the template untouched and changes nothing but ids and times', () => {
      assert.deepEqual(decodeTraces(spansBody.bytes, format).records, before);
      assert.equal(after.length, before.length);
      for (let i = 0; i < before.length; i++) assert.deepEqual(rest(after[i]), rest(before[i]));
      for (let i = 0; i < logsBefore.length; i++) assert.deepEqual(rest(logsAfter[i]), rest(logsBefore[i]));
    });

    it('gives every trace a new id, the same for all its spans and logs', () => {
      const mapping = new Map<string, string>();
      const check = (from: string, to: string) => {
        assert.notEqual(from, to);
        const seen = mapping.get(from);
        if (seen) assert.equal(to, seen);
        else mapping.set(from, to);
      };
      for (let i = 0; i < before.length; i++) check(before[i].TraceId, after[i].TraceId);
      for (let i = 0; i < logsBefore.length; i++) check(logsBefore[i].TraceId, logsAfter[i].TraceId);
      assert.equal(mapping.size, u.traces.length);
      assert.equal(new Set(mapping.values()).size, u.traces.length);
    });

    it('keeps parent links, links and log-to-span references', () => {
      const spanIds = new Map<string, Set<string>>();
      for (const s of after) {
        if (!spanIds.has(s.TraceId)) spanIds.set(s.TraceId, new Set());
        spanIds.get(s.TraceId)?.add(s.SpanId);
      }
      let links = 0;
      for (let i = 0; i < after.length; i++) {
        const s = after[i];
        assert.notEqual(s.SpanId, before[i].SpanId);
        assert.equal(s.ParentSpanId === '', before[i].ParentSpanId === '');
        if (s.ParentSpanId) assert.ok(spanIds.get(s.TraceId)?.has(s.ParentSpanId), 'parent in the stamped trace');
        for (let l = 0; l < s['Links.SpanId'].length; l++) {
          links++;
          assert.equal(s['Links.TraceId'][l], s.TraceId);
          assert.ok(spanIds.get(s.TraceId)?.has(s['Links.SpanId'][l]), 'link target in the stamped trace');
        }
      }
      assert.ok(links > 0);
      for (const l of logsAfter) assert.ok(spanIds.get(l.TraceId)?.has(l.SpanId), 'log span in the stamped trace');
      for (const [, ids] of spanIds) assert.equal(ids.size, after.filter((s) => ids.has(s.SpanId)).length);
    });

    it('shifts every time by the same amount, keeping durations', () => {
      for (let i = 0; i < before.length; i++) {
        assert.equal(BigInt(after[i].Timestamp) - BigInt(before[i].Timestamp), BigInt(SHIFT));
        assert.equal(after[i].Duration, before[i].Duration);
        for (let e = 0; e < before[i]['Events.Timestamp'].length; e++) {
          assert.equal(
            BigInt(after[i]['Events.Timestamp'][e]) - BigInt(before[i]['Events.Timestamp'][e]),
            BigInt(SHIFT),
          );
        }
      }
      for (let i = 0; i < logsBefore.length; i++) {
        assert.equal(BigInt(logsAfter[i].Timestamp) - BigInt(logsBefore[i].Timestamp), BigInt(SHIFT));
        assert.equal(BigInt(logsAfter[i].ObservedTimestamp) - BigInt(logsBefore[i].ObservedTimestamp), BigInt(SHIFT));
      }
    });

    it('gives different ids on every send', () => {
      const stamper = new Stamper(1);
      const ids = new Set<string>();
      for (let n = 0; n < 50; n++) {
        const s = stamper.stamp(u, 0);
        for (const r of decodeTraces(apply(spansBody.bytes, spansBody.layout, s), format).records) ids.add(r.TraceId);
      }
      assert.equal(ids.size, 50 * u.traces.length);
    });

    it('carries 64-bit time arithmetic across the 32-bit boundary', () => {
      const s = stampOf(2);
      s.shiftNs = 2 ** 52 + 4_294_967_295;
      const shifted = decodeTraces(apply(spansBody.bytes, spansBody.layout, s), format).records;
      for (let i = 0; i < before.length; i++) {
        assert.equal(BigInt(shifted[i].Timestamp) - BigInt(before[i].Timestamp), BigInt(s.shiftNs));
      }
    });
  });
}
