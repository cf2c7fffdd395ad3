// Time-zone arithmetic on the platform's IANA database (Intl), with no MCP types: validate zone
// names, render an instant in a zone, and turn a wall-clock time in one zone into an instant.

export class TimeInputError extends Error {
  override readonly name = 'TimeInputError';
}

/** One formatter per canonical zone: a bounded set (the IANA zones and fixed offsets). */
const formatters = new Map<string, Intl.DateTimeFormat>();
/**
 * The caller's spelling (case-folded) → canonical zone. Keyed by the spelling only after it proved
 * valid, and cleared when full, so 30,000 spellings of one zone cost a few hundred entries, not
 * 30,000 formatters (+330 MB before).
 */
const canonicalBySpelling = new Map<string, string>();
const MAX_SPELLINGS = 2000;

function buildFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'long',
  });
}

/** The canonical spelling of an IANA zone, or a TimeInputError that says what to send. */
export function resolveTimeZone(name: string): string {
  const spelling = name.trim().toLowerCase();
  const known = canonicalBySpelling.get(spelling);
  if (known !== undefined) return known;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = buildFormatter(name.trim());
  } catch {
    throw new TimeInputError(`Unknown time zone "${name}"; use an IANA name such as "UTC", "Europe/Paris" or "America/New_York".`);
  }
  const canonical = formatter.resolvedOptions().timeZone;
  if (!formatters.has(canonical)) formatters.set(canonical, formatter);
  if (canonicalBySpelling.size >= MAX_SPELLINGS) canonicalBySpelling.clear();
  canonicalBySpelling.set(spelling, canonical);
  return canonical;
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  const canonical = resolveTimeZone(zone);
  let formatter = formatters.get(canonical);
  if (formatter === undefined) {
    formatter = buildFormatter(canonical);
    formatters.set(canonical, formatter);
  }
  return formatter;
}

/** Formatters held (for tests: bounded by the zones, not by how callers spell them). */
export function cachedFormatterCount(): number {
  return formatters.size;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: string;
}

export function wallTimeIn(instantMs: number, zone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(instantMs))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: parts.weekday ?? '',
  };
}

/** Offset of `zone` from UTC at an instant, in minutes (e.g. +120 for Paris in summer). */
export function offsetMinutes(instantMs: number, zone: string): number {
  const wall = wallTimeIn(instantMs, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** ISO 8601 local time with offset, e.g. 2024-06-01T14:30:00+02:00. */
export function isoInZone(instantMs: number, zone: string): string {
  const wall = wallTimeIn(instantMs, zone);
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}${formatOffset(offsetMinutes(instantMs, zone))}`;
}

export interface ZonedTime {
  timezone: string;
  datetime: string;
  date: string;
  time: string;
  weekday: string;
  utc_offset: string;
  is_dst: boolean;
}

/** Daylight saving is in effect when the offset is larger than the zone's smaller yearly offset. */
function isDst(instantMs: number, zone: string): boolean {
  const year = wallTimeIn(instantMs, zone).year;
  const january = offsetMinutes(Date.UTC(year, 0, 1), zone);
  const july = offsetMinutes(Date.UTC(year, 6, 1), zone);
  return january !== july && offsetMinutes(instantMs, zone) === Math.max(january, july);
}

export function describeInstant(instantMs: number, zoneName: string): ZonedTime {
  const zone = resolveTimeZone(zoneName);
  const wall = wallTimeIn(instantMs, zone);
  return {
    timezone: zone,
    datetime: isoInZone(instantMs, zone),
    date: `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`,
    time: `${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`,
    weekday: wall.weekday,
    utc_offset: formatOffset(offsetMinutes(instantMs, zone)),
    is_dst: isDst(instantMs, zone),
  };
}

const TIME_ONLY = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * Turns the caller's time into an instant. Accepted: "HH:MM[:SS]" (that wall time today in
 * `zone`), "YYYY-MM-DDTHH:MM[:SS]" (that wall time in `zone`), or a full ISO 8601 timestamp with
 * "Z" or an offset (an exact instant; `zone` is then only where it is shown from).
 */
export function parseTimeInZone(input: string, zoneName: string, nowMs: number): number {
  const zone = resolveTimeZone(zoneName);
  const text = input.trim();
  if (WITH_OFFSET.test(text)) {
    const instant = Date.parse(text);
    if (Number.isNaN(instant)) throw new TimeInputError(`"${input}" is not a valid timestamp; use e.g. 2024-06-01T14:30:00Z.`);
    return instant;
  }
  let fields: [number, number, number, number, number, number];
  const timeOnly = TIME_ONLY.exec(text);
  const local = LOCAL_DATETIME.exec(text);
  if (timeOnly) {
    const today = wallTimeIn(nowMs, zone);
    fields = [today.year, today.month, today.day, Number(timeOnly[1]), Number(timeOnly[2]), Number(timeOnly[3] ?? 0)];
  } else if (local) {
    fields = [Number(local[1]), Number(local[2]), Number(local[3]), Number(local[4]), Number(local[5]), Number(local[6] ?? 0)];
  } else {
    throw new TimeInputError(`Cannot read time "${input}"; send "HH:MM" (24-hour, e.g. "14:30"), "YYYY-MM-DDTHH:MM" or an ISO timestamp with offset.`);
  }
  const [year, month, day, hour, minute, second] = fields;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new TimeInputError(`"${input}" is out of range; hours are 00-23, minutes and seconds 00-59.`);
  }
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(asUtc).getUTCDate() !== day) throw new TimeInputError(`"${input}" names a day that does not exist.`);
  // Two passes settle the offset even when the first guess lands across a DST change.
  let instant = asUtc - offsetMinutes(asUtc, zone) * 60_000;
  instant = asUtc - offsetMinutes(instant, zone) * 60_000;
  const wall = wallTimeIn(instant, zone);
  if (wall.hour !== hour || wall.minute !== minute || wall.day !== day) {
    throw new TimeInputError(`${pad(hour)}:${pad(minute)} does not exist on ${pad(year, 4)}-${pad(month)}-${pad(day)} in ${zone} (clocks skip it for daylight saving); pick another time.`);
  }
  return instant;
}

/** "+5h30m" style difference between two zones' offsets at an instant. */
export function offsetDifference(instantMs: number, fromZone: string, toZone: string): string {
  const minutes = offsetMinutes(instantMs, toZone) - offsetMinutes(instantMs, fromZone);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hours = Math.floor(abs / 60);
  const rest = abs % 60;
  return `${sign}${hours}h${rest > 0 ? `${rest}m` : ''}`;
}
