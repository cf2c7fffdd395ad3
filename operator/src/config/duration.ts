// Go-style durations ("15s", "1m30s", "500ms", "1.5h"), the format Kubernetes users expect
// for flags such as --lease-duration. "0" is accepted (meaning "off" where a flag allows it).

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Milliseconds for a duration string, or undefined when it is not a valid duration. */
export function parseDurationMs(text: string): number | undefined {
  const value = text.trim();
  if (value === '0') return 0;
  if (!DURATION.test(value)) return undefined;
  let total = 0;
  for (const match of value.matchAll(PART)) {
    const unit = UNIT_MS[match[2] ?? ''];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
  }
  return Math.round(total);
}

export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
