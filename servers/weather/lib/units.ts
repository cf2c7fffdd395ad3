// Unit systems follow OpenWeather's `units` parameter so the same word means the same thing
// whichever upstream answers.

export const UNIT_SYSTEMS = ['metric', 'imperial', 'standard'] as const;
export type Units = (typeof UNIT_SYSTEMS)[number];

export interface UnitLabels {
  temperature: '°C' | '°F' | 'K';
  windSpeed: 'm/s' | 'mph';
}

export function unitLabels(units: Units): UnitLabels {
  switch (units) {
    case 'metric':
      return { temperature: '°C', windSpeed: 'm/s' };
    case 'imperial':
      return { temperature: '°F', windSpeed: 'mph' };
    case 'standard':
      return { temperature: 'K', windSpeed: 'm/s' };
  }
}

/** Converts a Celsius reading (what wttr.in's metric fields carry) into the requested system. */
export function fromCelsius(celsius: number, units: Units): number {
  switch (units) {
    case 'metric':
      return celsius;
    case 'imperial':
      return round(celsius * 1.8 + 32, 1);
    case 'standard':
      return round(celsius + 273.15, 2);
  }
}

/** Converts km/h (wttr.in) into m/s or mph. */
export function fromKmph(kmph: number, units: Units): number {
  return units === 'imperial' ? round(kmph / 1.609344, 1) : round(kmph / 3.6, 1);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
