import type { ResourceScopeColumns } from '../../model';
import { LEN, type ProtoReader, tagOf } from '../../wire/proto-reader';
import { emptyResource, emptyScope, resourceScopeColumns } from '../resource-scope';
import { readResource, readScope, type ValueSlot } from './common';

/** Decodes one span, log record or metric in [r.pos, end), given its resource and scope. */
export type ItemReader = (r: ProtoReader, end: number, columns: ResourceScopeColumns) => void;

/** Message names of one signal, for error messages. */
export interface EnvelopeNames {
  request: string;
  resource: string;
  scope: string;
}

const FIRST = tagOf(1, LEN);
const SECOND = tagOf(2, LEN);
const SCHEMA_URL = tagOf(3, LEN);
const REQUEST_FIELDS = 0b10;
const ENVELOPE_FIELDS = 0b1110;

/**
 * Walks Export{Trace,Logs,Metrics}ServiceRequest, whose envelope has the same field numbers for
 * every signal: resource_x (1) -> { resource (1), scope_x (2), schema_url (3) } -> { scope (1),
 * items (2), schema_url (3) }. Fields may come in any order, so the resource and scope are
 * located first and the items decoded after them.
 */
export function readEnvelope(r: ProtoReader, names: EnvelopeNames, slot: ValueSlot, readItem: ItemReader): void {
  const end = r.buf.length;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIRST) {
      const stop = r.len(end);
      readResourceEntry(r, stop, names, slot, readItem);
      r.pos = stop;
    } else {
      r.unexpected(tag, end, names.request, REQUEST_FIELDS);
    }
  }
}

function readResourceEntry(r: ProtoReader, end: number, names: EnvelopeNames, slot: ValueSlot, readItem: ItemReader) {
  let resourceStart = -1;
  let resourceEnd = -1;
  let schemaUrl = '';
  const scopes: number[] = [];
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIRST) {
      resourceEnd = r.len(end);
      resourceStart = r.pos;
      r.pos = resourceEnd;
    } else if (tag === SECOND) {
      const stop = r.len(end);
      scopes.push(r.pos, stop);
      r.pos = stop;
    } else if (tag === SCHEMA_URL) {
      schemaUrl = r.string(end);
    } else {
      r.unexpected(tag, end, names.resource, ENVELOPE_FIELDS);
    }
  }
  let resource = emptyResource();
  if (resourceStart >= 0) {
    r.pos = resourceStart;
    resource = readResource(r, resourceEnd, slot);
  }
  for (let i = 0; i < scopes.length; i += 2) {
    r.pos = scopes[i];
    let scopeStart = -1;
    let scopeEnd = -1;
    let scopeSchemaUrl = '';
    const items: number[] = [];
    const stop = scopes[i + 1];
    while (r.pos < stop) {
      const tag = r.uint32(stop);
      if (tag === FIRST) {
        scopeEnd = r.len(stop);
        scopeStart = r.pos;
        r.pos = scopeEnd;
      } else if (tag === SECOND) {
        const itemEnd = r.len(stop);
        items.push(r.pos, itemEnd);
        r.pos = itemEnd;
      } else if (tag === SCHEMA_URL) {
        scopeSchemaUrl = r.string(stop);
      } else {
        r.unexpected(tag, stop, names.scope, ENVELOPE_FIELDS);
      }
    }
    let scope = emptyScope();
    if (scopeStart >= 0) {
      r.pos = scopeStart;
      scope = readScope(r, scopeEnd, slot);
    }
    const columns = resourceScopeColumns(resource, schemaUrl, scope, scopeSchemaUrl);
    for (let j = 0; j < items.length; j += 2) {
      r.pos = items[j];
      readItem(r, items[j + 1], columns);
    }
  }
}
