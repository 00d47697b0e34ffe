// The suite's table: one row per case, read from the cases' books when the suite ends (so late
// arrivals and duplicates that came after a case's deadline still count), printed as an aligned
// markdown table and saved as JSON and markdown.
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import type { CaseOutcome } from './caseKit';
import type { TallyCounts } from './tally';

/** A case's counts as its tally keeps them (`deliveries`: what the tally calls `expected`), and the rest. */
export interface CaseRow extends Omit<TallyCounts, 'expected'> {
  case: string;
  title: string;
  eventsIn: number;
  notAccepted: number;
  /** Deliveries the 202 answers listed. */
  deliveries: number;
  seconds: number;
  passed: boolean;
  notes: string[];
  failures: string[];
  figures: Record<string, number>;
}

export interface SuiteReport {
  startedAt: string;
  finishedAt: string;
  mode: 'full' | 'quick';
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  /** Herald settings given from outside that change what is measured. */
  settings: Record<string, string>;
  passed: boolean;
  cases: CaseRow[];
}

export function rowOf(outcome: CaseOutcome): CaseRow {
  const counts = outcome.tally.counts();
  const failures = [...outcome.failures];
  if (counts.lost > 0) failures.unshift(`${counts.lost} deliveries lost`);
  const notes = [...outcome.notes];
  if (counts.late > 0) notes.push(`${counts.late} of the lost arrived after the deadline`);
  if (counts.unexpected > 0) notes.push(`${counts.unexpected} deliveries of events never answered 202 arrived`);
  return {
    case: outcome.name,
    title: outcome.title,
    eventsIn: outcome.eventsIn,
    notAccepted: outcome.notAccepted,
    deliveries: counts.expected,
    receipts: counts.receipts,
    duplicates: counts.duplicates,
    lost: counts.lost,
    late: counts.late,
    unexpected: counts.unexpected,
    requests: counts.requests,
    seconds: outcome.seconds,
    passed: failures.length === 0,
    notes,
    failures,
    figures: outcome.figures,
  };
}

const HEADER = ['case', 'events in (202)', 'deliveries', 'receipts', 'duplicates', 'lost', 'requests', 'seconds', 'result'];

function cells(row: CaseRow): string[] {
  return [
    row.case,
    String(row.eventsIn) + (row.notAccepted > 0 ? ` (+${row.notAccepted} not)` : ''),
    String(row.deliveries),
    String(row.receipts),
    String(row.duplicates),
    String(row.lost),
    String(row.requests),
    row.seconds.toFixed(1),
    row.passed ? 'ok' : 'FAIL',
  ];
}

/** The table, columns padded so that it reads in a terminal as well as rendered. */
export function table(rows: CaseRow[]): string {
  const grid = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...grid.map((line) => line[column].length)));
  const line = (values: string[]) => `| ${values.map((value, i) => (i === 0 ? value.padEnd(widths[i]) : value.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (i === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(HEADER), rule, ...rows.map(cells).map(line)].join('\n');
}

export function notesOf(rows: CaseRow[]): string {
  return rows
    .map((row) => {
      const lines = [...row.failures.map((failure) => `**${failure}**`), ...row.notes];
      return `- **${row.case}** — ${row.title}.${lines.length > 0 ? `\n${lines.map((text) => `  - ${text}`).join('\n')}` : ''}`;
    })
    .join('\n');
}

export function machine(): SuiteReport['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function markdown(report: SuiteReport): string {
  const m = report.machine;
  return [
    `# Herald fault suite, ${report.startedAt}`,
    '',
    `\`${report.command}\` (${report.mode}) — ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.` +
      (Object.keys(report.settings).length > 0
        ? ` Settings: ${Object.entries(report.settings)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}.`
        : ''),
    '',
    'Events in: events answered 202. Deliveries: the deliveries those answers listed. Receipts: of those, the ones a receiver took (answered 2xx) by the',
    "case's deadline. Duplicates: a `webhook-id` taken more than once (counted until the suite ended). Lost: listed in a 202 answer, not taken by the",
    'deadline. Requests: every request the receivers saw, failed attempts included.',
    '',
    table(report.cases),
    '',
    `**${report.passed ? 'Every case passed' : 'Some cases failed'}** (finished ${report.finishedAt}).`,
    '',
    notesOf(report.cases),
    '',
  ].join('\n');
}

export function save(report: SuiteReport, basePath: string): void {
  writeFileSync(`${basePath}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${basePath}.md`, markdown(report));
}
