const EMPTY = '—';

/** A timestamp as people read it ("Nov 26, 2026, 9:30 AM"); the raw value if it is not one. */
export function formatTimestamp(iso: string, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone !== undefined && { timeZone }),
  }).format(date);
}

/** With seconds ("Nov 26, 2026, 9:30:05 AM"): a delivery log, where a minute holds several tries. */
export function formatPreciseTimestamp(iso: string, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    ...(timeZone !== undefined && { timeZone }),
  }).format(date);
}

/** The time of day with seconds ("9:30:05 AM"), shown under or beside its day. */
export function formatClock(iso: string, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    timeStyle: 'medium',
    ...(timeZone !== undefined && { timeZone }),
  }).format(date);
}

/** A day as people read it ("Nov 26, 2026"): renewals and due dates, where the hour is noise. */
export function formatDate(iso: string, locale?: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    ...(timeZone !== undefined && { timeZone }),
  }).format(date);
}

/** Optional fields (a customer's phone) read as a dash rather than a blank cell. */
export function orDash(value: string | null | undefined): string {
  return value === null || value === undefined || value.trim() === '' ? EMPTY : value;
}
