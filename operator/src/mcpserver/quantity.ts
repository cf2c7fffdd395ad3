// Kubernetes resource.Quantity in canonical form. The API server stores quantities canonically
// ("0.5" becomes "500m", 1 becomes "1", "1024Mi" becomes "1Gi"); the operator renders them the
// same way so that comparing desired with live finds no difference and a resync writes nothing.
// Also the RFC 3339 time format (whole seconds) Kubernetes uses for timestamps.

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_BY_EXPONENT = Object.fromEntries(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s])) as Record<number, string>;
const BINARY_BY_POWER = Object.fromEntries(Object.entries(BINARY_SUFFIXES).map(([s, p]) => [p, s])) as Record<number, string>;
const PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/** value = sign * mantissa * 10^exponent, mantissa without trailing zeros. */
interface Decimal {
  negative: boolean;
  mantissa: bigint;
  exponent: number;
}

function normalise(d: Decimal): Decimal {
  let { mantissa, exponent } = d;
  if (mantissa === 0n) return { negative: false, mantissa: 0n, exponent: 0 };
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  return { negative: d.negative, mantissa, exponent };
}

function digitsToDecimal(negative: boolean, digits: string, exponent: number): Decimal {
  const [whole = '', fraction = ''] = digits.split('.');
  return normalise({ negative, mantissa: BigInt(`${whole}${fraction}` || '0'), exponent: exponent - fraction.length });
}

function formatDecimal(d: Decimal, style: 'si' | 'exponent'): string {
  if (d.mantissa === 0n) return '0';
  // Largest multiple of 3 not above the exponent; below nano, Kubernetes rounds up to 1n.
  let exponent = Math.floor(d.exponent / 3) * 3;
  let mantissa = d.mantissa * 10n ** BigInt(d.exponent - exponent);
  if (exponent < -9) {
    const scale = 10n ** BigInt(-9 - d.exponent);
    mantissa = (d.mantissa + scale - 1n) / scale;
    exponent = -9;
  }
  if (style === 'si' && exponent > 18) {
    mantissa *= 10n ** BigInt(exponent - 18);
    exponent = 18;
  }
  const sign = d.negative ? '-' : '';
  if (style === 'exponent') return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  return `${sign}${mantissa}${DECIMAL_BY_EXPONENT[exponent]}`;
}

/** Canonical form of a quantity, or the input unchanged when it is not a valid quantity. */
export function canonicalQuantity(value: string | number): string | number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = PATTERN.exec(text);
  if (!match) return value;
  const [, sign, digits, suffix, exponentText] = match;
  const negative = sign === '-';
  if (exponentText !== undefined) return formatDecimal(digitsToDecimal(negative, digits!, Number(exponentText)), 'exponent');
  const binaryPower = suffix ? BINARY_SUFFIXES[suffix] : undefined;
  if (binaryPower === undefined) return formatDecimal(digitsToDecimal(negative, digits!, DECIMAL_SUFFIXES[suffix ?? '']!), 'si');
  // Binary: an exact number of units is written with the largest binary suffix that keeps an
  // integer; anything else falls back to decimal, as Kubernetes does.
  const d = digitsToDecimal(negative, digits!, 0);
  const scaled = d.mantissa * 1024n ** BigInt(binaryPower); // value = scaled * 10^exponent units
  if (d.exponent < 0 && scaled % 10n ** BigInt(-d.exponent) !== 0n) return formatDecimal(normalise({ negative, mantissa: scaled, exponent: d.exponent }), 'si');
  let bytes = d.exponent >= 0 ? scaled * 10n ** BigInt(d.exponent) : scaled / 10n ** BigInt(-d.exponent);
  if (bytes === 0n) return '0';
  let power = 0;
  while (power < 6 && bytes % 1024n === 0n) {
    bytes /= 1024n;
    power++;
  }
  return `${negative ? '-' : ''}${bytes}${power === 0 ? '' : BINARY_BY_POWER[power]}`;
}

/** Canonical quantities in a map such as resources.limits. */
export function canonicalQuantities<T extends Record<string, string | number> | undefined>(values: T): T {
  if (!values) return values;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, canonicalQuantity(v)])) as T;
}

/** RFC 3339 in whole seconds, as the API server writes metav1.Time. */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
