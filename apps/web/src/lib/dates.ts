/**
 * A date input's value (`2026-11-26`) as the instant that day starts where the person is, so the
 * day they picked is the day the dashboard shows back (formatDate reads it in the same zone).
 * Undefined for anything that is not a real calendar day.
 */
export function startOfLocalDay(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) {
    return undefined;
  }
  return date.toISOString();
}

/** A day in a date input's format (`2026-11-26`), `days` after `from`, where the person is. */
export function dateInputValue(from: Date, days = 0): string {
  const date = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
