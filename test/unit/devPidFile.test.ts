// The dev runner's pid file: what a runner killed with SIGKILL left behind is found and stopped,
// and a pid that now runs another program is left alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commandLineOf, PidFile, stopRecorded } from '../../scripts/dev/pidFile';

const started: ChildProcess[] = [];
afterAll(() => started.forEach((child) => child.kill('SIGKILL')));

function startSleeper(seconds: string): ChildProcess {
  const child = spawn('sleep', [seconds], { detached: true, stdio: 'ignore' });
  started.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('the dev runner pid file', () => {
  const file = () => new PidFile(path.join(mkdtempSync(path.join(tmpdir(), 'herald-pids-')), 'dev-processes.json'));

  it('finds a recorded process that still runs the recorded program, and stops it', async () => {
    const pids = file();
    const server = startSleeper('61');
    pids.write([{ name: 'temporal', pid: server.pid }]);
    const { ours, unsure } = pids.leftovers();
    expect(ours).toEqual([{ name: 'temporal', pid: server.pid, commandLine: 'sleep 61' }]);
    expect(unsure).toEqual([]);
    await stopRecorded(ours, 2_000);
    await exited(server);
    expect(server.signalCode).toBe('SIGTERM');
    expect(pids.leftovers().ours).toEqual([]);
  });

  it('leaves alone a pid that now runs another program, and the runner itself', () => {
    const pids = file();
    const other = startSleeper('62');
    writeFileSync(
      pids.path,
      JSON.stringify([
        { name: 'ferretdb', pid: other.pid, commandLine: '/opt/ferretdb --listen-addr=127.0.0.1:27017' },
        { name: 'dev', pid: process.pid, commandLine: commandLineOf(process.pid) },
      ]),
    );
    expect(pids.leftovers()).toEqual({ ours: [], unsure: [] });
  });

  it('trusts nothing in a torn file, and nothing after a clean stop', () => {
    const pids = file();
    writeFileSync(pids.path, '[{"name":"temporal","pid":');
    expect(pids.leftovers()).toEqual({ ours: [], unsure: [] });
    pids.clear();
    expect(pids.leftovers()).toEqual({ ours: [], unsure: [] });
  });
});
