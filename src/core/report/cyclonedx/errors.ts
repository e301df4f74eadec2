/** A CycloneDX document failed schema validation; nothing was written. */
export class CycloneDxValidationError extends Error {
  constructor(
    message: string,
    readonly errors: unknown,
  ) {
    super(message)
    this.name = 'CycloneDxValidationError'
  }
}
