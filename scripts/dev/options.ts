// What `npm run dev` reads from its environment besides Herald's own configuration: the data
// directory, the ports, separate worker processes and the engine's retention. Each is checked
// before anything starts, with a message that names the variable.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../src/config';

/** The dev server's own default, kept: a day of closed event and delivery workflows in the Web UI. */
const DEFAULT_ENGINE_RETENTION_HOURS = 24;

// The dev runner's own variables, with their defaults.
const PORT_DEFAULTS = { TEMPORAL_PORT: 7233, TEMPORAL_UI_PORT: 8233, FERRETDB_PORT: 27017, PORT: 3000 };
export type PortVariable = keyof typeof PORT_DEFAULTS;

export interface DevOptions {
  dataDir: string;
  ports: Record<PortVariable, number>;
}

function port(env: NodeJS.ProcessEnv, name: PortVariable): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return PORT_DEFAULTS[name];
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 65535) {
    throw new ConfigError(name, `must be a TCP port between 1 and 65535, got "${raw}"`);
  }
  return value;
}

export function readDevOptions(env: NodeJS.ProcessEnv, root: string): DevOptions {
  const dataDir = path.resolve(root, env.HERALD_DATA_DIR || '.data'); // relative to the repo, not the cwd
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new ConfigError('HERALD_DATA_DIR', `must name a directory that can be created, got "${dataDir}" (${(error as Error).message})`);
  }
  const names = Object.keys(PORT_DEFAULTS) as PortVariable[];
  const ports = Object.fromEntries(names.map((name) => [name, port(env, name)])) as Record<PortVariable, number>;
  for (const [i, name] of names.entries()) {
    const clash = names.slice(i + 1).find((other) => ports[other] === ports[name]);
    if (clash) throw new ConfigError(name, `and ${clash} must differ, both are ${ports[name]}`);
  }
  return { dataDir, ports };
}

/** How long the engine keeps closed workflows (docs/scaling.md: the disk each hour of traffic takes). */
export function engineRetentionHours(env: NodeJS.ProcessEnv): number {
  const raw = env.HERALD_TEMPORAL_RETENTION_HOURS;
  if (raw === undefined || raw === '') return DEFAULT_ENGINE_RETENTION_HOURS;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 8760)
    throw new ConfigError('HERALD_TEMPORAL_RETENTION_HOURS', `must be an integer between 1 and 8760, got "${raw}"`);
  return value;
}

/** Separate worker processes: HERALD_DEV_WORKERS, else none beside an API that runs a worker, else one. */
export function devWorkers(env: NodeJS.ProcessEnv, apiRunsWorker: boolean): number {
  const raw = env.HERALD_DEV_WORKERS;
  if (raw === undefined || raw === '') return apiRunsWorker ? 0 : 1;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 8) throw new ConfigError('HERALD_DEV_WORKERS', `must be an integer between 0 and 8, got "${raw}"`);
  if (value === 0 && !apiRunsWorker) throw new ConfigError('HERALD_DEV_WORKERS', 'must be at least 1 when HERALD_API_WORKER=false: nothing would deliver');
  return value;
}
