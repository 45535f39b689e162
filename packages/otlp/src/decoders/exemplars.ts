import type { AttributeTypes, AttributeValues } from '../model';

/** Exemplars of one data point, collected into the model's parallel Exemplars.* columns. */
export class Exemplars {
  readonly filteredAttributes: AttributeValues[] = [];
  readonly filteredAttributeTypes: AttributeTypes[] = [];
  readonly times: string[] = [];
  readonly values: number[] = [];
  readonly intValues: (string | null)[] = [];
  readonly spanIds: string[] = [];
  readonly traceIds: string[] = [];
  /** Set when an exemplar's id has a wrong length; the data point is then rejected. */
  invalid = false;

  /** traceId/spanId: '' when absent, null when invalid (see optionalId). */
  add(
    attributes: AttributeValues,
    types: AttributeTypes,
    time: string,
    value: number,
    intValue: string | null,
    traceId: string | null,
    spanId: string | null,
  ): void {
    if (traceId === null || spanId === null) {
      this.invalid = true;
      return;
    }
    this.filteredAttributes.push(attributes);
    this.filteredAttributeTypes.push(types);
    this.times.push(time);
    this.values.push(value);
    this.intValues.push(intValue);
    this.spanIds.push(spanId);
    this.traceIds.push(traceId);
  }
}
