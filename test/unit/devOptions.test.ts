// What `npm run dev` reads besides Herald's configuration: refused before anything starts, with the variable named.
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { devWorkers, engineRetentionHours, readDevOptions } from '../../scripts/dev/options';

afterAll(() => rmSync(path.join(os.tmpdir(), 'herald-dev-options-test'), { recursive: true, force: true }));

describe('npm run dev options', () => {
  it('runs no separate worker beside an API that runs one, and one beside an API that does not', () => {
    expect(devWorkers({}, true)).toBe(0);
    expect(devWorkers({}, false)).toBe(1);
    expect(devWorkers({ HERALD_DEV_WORKERS: '2' }, true)).toBe(2);
  });

  it.each([
    ['abc', true, /HERALD_DEV_WORKERS must be an integer between 0 and 8/],
    ['9', true, /HERALD_DEV_WORKERS must be an integer between 0 and 8/],
    ['0', false, /HERALD_DEV_WORKERS must be at least 1 when HERALD_API_WORKER=false: nothing would deliver/],
  ])('refuses HERALD_DEV_WORKERS=%s (API runs a worker: %s)', (raw, apiRunsWorker, message) => {
    const attempt = () => devWorkers({ HERALD_DEV_WORKERS: raw }, apiRunsWorker);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it("keeps the engine's closed workflows 24 hours unless told otherwise, and refuses what is not an hour count", () => {
    expect(engineRetentionHours({})).toBe(24);
    expect(engineRetentionHours({ HERALD_TEMPORAL_RETENTION_HOURS: '6' })).toBe(6);
    for (const raw of ['0', '1.5', '8761', 'a day']) {
      expect(() => engineRetentionHours({ HERALD_TEMPORAL_RETENTION_HOURS: raw })).toThrow(
        /HERALD_TEMPORAL_RETENTION_HOURS must be an integer between 1 and 8760/,
      );
    }
  });

  it('reads the ports and refuses two variables on one port', () => {
    const root = os.tmpdir();
    const options = readDevOptions({ HERALD_DATA_DIR: 'herald-dev-options-test', PORT: '3100' }, root);
    expect(options.dataDir).toBe(path.join(root, 'herald-dev-options-test'));
    expect(options.ports).toEqual({ TEMPORAL_PORT: 7233, TEMPORAL_UI_PORT: 8233, FERRETDB_PORT: 27017, PORT: 3100 });
    expect(() => readDevOptions({ HERALD_DATA_DIR: 'herald-dev-options-test', PORT: '7233' }, root)).toThrow(/must differ, both are 7233/);
  });
});
