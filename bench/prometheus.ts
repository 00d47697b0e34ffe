// Prometheus text format, as far as the benchmark needs it: the samples of chosen metrics with
// their labels, read from a /metrics page, and the difference of two readings per series.
// Label values are quoted and may hold escaped quotes, backslashes, newlines, commas and braces,
// so a line is scanned character by character rather than split.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of one scrape, by series key (name and sorted labels). */
export type Scrape = Map<string, Sample>;

export function seriesKey(name: string, labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`);
  return `${name}{${pairs.join(',')}}`;
}

function parseValue(raw: string): number {
  if (raw === '+Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(raw); // NaN for "NaN" or garbage
}

/** Parses `name{a="x",b="y"} value [timestamp]`; undefined for a line that is not a sample. */
export function parseSampleLine(line: string): Sample | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const nameEnd = trimmed.search(/[{\s]/);
  if (nameEnd <= 0) return undefined;
  const name = trimmed.slice(0, nameEnd);
  const labels: Record<string, string> = {};
  let i = nameEnd;
  if (trimmed[i] === '{') {
    i++;
    for (;;) {
      while (trimmed[i] === ' ' || trimmed[i] === ',') i++;
      if (trimmed[i] === '}') {
        i++;
        break;
      }
      const eq = trimmed.indexOf('=', i);
      if (eq < 0 || trimmed[eq + 1] !== '"') return undefined;
      const key = trimmed.slice(i, eq).trim();
      let value = '';
      let j = eq + 2;
      for (; j < trimmed.length && trimmed[j] !== '"'; j++) {
        if (trimmed[j] === '\\' && j + 1 < trimmed.length) {
          j++;
          value += trimmed[j] === 'n' ? '\n' : trimmed[j];
        } else value += trimmed[j];
      }
      if (j >= trimmed.length) return undefined; // unterminated quote
      labels[key] = value;
      i = j + 1;
    }
  }
  const rest = trimmed.slice(i).trim().split(/\s+/);
  if (rest[0] === undefined || rest[0] === '') return undefined;
  return { name, labels, value: parseValue(rest[0]) };
}

/** The samples of the metrics named in `names` (every metric when omitted). */
export function parseMetrics(text: string, names?: ReadonlySet<string>): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    // Cheap prefilter before the character scan: most of a Temporal page is histogram buckets.
    if (names) {
      const end = line.search(/[{\s]/);
      if (end <= 0 || !names.has(line.slice(0, end))) continue;
    }
    const sample = parseSampleLine(line);
    if (sample) out.set(seriesKey(sample.name, sample.labels), sample);
  }
  return out;
}

export async function scrape(url: string, names?: ReadonlySet<string>, timeoutMs = 10_000): Promise<Scrape> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return parseMetrics(text, names);
}

/**
 * Counter growth per series between two scrapes. A series absent before counts from 0 (counters
 * appear with their first increment); one that went down was reset (a restart), so its later
 * value is all growth. Series that did not grow are left out.
 */
export function counterGrowth(before: Scrape, after: Scrape): Sample[] {
  const out: Sample[] = [];
  for (const [key, sample] of after) {
    const previous = before.get(key)?.value ?? 0;
    const growth = sample.value >= previous ? sample.value - previous : sample.value;
    if (growth > 0 && Number.isFinite(growth)) out.push({ ...sample, value: growth });
  }
  return out;
}

/** Sums values by what `keyOf` makes of each sample (every label combination lands in exactly one key). */
export function sumBy(samples: Sample[], keyOf: (sample: Sample) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sample of samples) {
    const key = keyOf(sample);
    out[key] = (out[key] ?? 0) + sample.value;
  }
  return out;
}

/** The record's entries sorted by value, largest first. */
export function sortedDesc(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort((a, b) => b[1] - a[1]));
}
