// How figures are written in the report and the verdicts.
import { round } from './util';

export const fmt = (value: number | undefined | null, digits = 1): string =>
  value === undefined || value === null || Number.isNaN(value) ? '–' : String(round(value, digits));

export const errorsText = (errors: Record<string, number>): string => {
  const entries = Object.entries(errors);
  return entries.length === 0 ? '0' : entries.map(([status, count]) => `${count}× ${status}`).join(', ');
};
