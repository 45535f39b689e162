/** A request body that cannot be decoded at all (answered 400 / INVALID_ARGUMENT). */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}
