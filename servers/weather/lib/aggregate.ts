// Turns sub-daily forecast steps (OpenWeather's 3-hourly list, wttr.in's hourly blocks) into one
// summary per local date: lowest minimum, highest maximum, the prevailing conditions.
import type { ForecastDay } from './types.ts';

export interface ForecastStep {
  /** Local date at the location, YYYY-MM-DD. */
  localDate: string;
  temperatureMin: number;
  temperatureMax: number;
  conditions: string;
  /** Daytime steps decide the day's conditions when there are any ("rain at 3 am" is not the day's weather). */
  daytime: boolean;
  precipitationChance?: number;
  precipitation?: number;
}

/** Groups steps by date in first-seen order (upstreams list them chronologically). */
export function aggregateDays(steps: readonly ForecastStep[]): ForecastDay[] {
  const byDate = new Map<string, ForecastStep[]>();
  for (const step of steps) {
    const group = byDate.get(step.localDate);
    if (group) group.push(step);
    else byDate.set(step.localDate, [step]);
  }
  return [...byDate.entries()].map(([date, group]) => summarise(date, group));
}

function summarise(date: string, steps: ForecastStep[]): ForecastDay {
  const summary: ForecastDay = {
    date,
    temperatureMin: Math.min(...steps.map((s) => s.temperatureMin)),
    temperatureMax: Math.max(...steps.map((s) => s.temperatureMax)),
    conditions: prevailingConditions(steps),
  };
  const chances = steps.flatMap((s) => (s.precipitationChance === undefined ? [] : [s.precipitationChance]));
  if (chances.length > 0) summary.precipitationChance = Math.round(Math.max(...chances));
  const amounts = steps.flatMap((s) => (s.precipitation === undefined ? [] : [s.precipitation]));
  if (amounts.length > 0) summary.precipitation = Math.round(amounts.reduce((a, b) => a + b, 0) * 10) / 10;
  return summary;
}

/** The most frequent description among daytime steps (all steps when none is daytime); ties go to the earliest. */
export function prevailingConditions(steps: readonly ForecastStep[]): string {
  const daytime = steps.filter((s) => s.daytime);
  const candidates = daytime.length > 0 ? daytime : steps;
  const counts = new Map<string, number>();
  for (const step of candidates) counts.set(step.conditions, (counts.get(step.conditions) ?? 0) + 1);
  let best = 'unknown';
  let bestCount = 0;
  for (const [conditions, count] of counts) {
    if (count > bestCount) {
      best = conditions;
      bestCount = count;
    }
  }
  return best;
}
