/**
 * The fields of `before` whose values differ in `after`, with their old values: an
 * `*.updated` event's `previousAttributes`. Fields compare by their JSON, so a metadata object
 * that changed shows whole, as it was. `updatedAt` is left out: it changes with every update and
 * says nothing the event's own time does not.
 */
export function previousAttributes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(before)) {
    if (field === 'updatedAt') continue;
    if (JSON.stringify(value) !== JSON.stringify(after[field])) {
      Object.defineProperty(changed, field, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return changed;
}
