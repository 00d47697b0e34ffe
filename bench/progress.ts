// One progress bar per phase (cli-progress); on a terminal only, plain lines otherwise.
import { Presets, SingleBar } from 'cli-progress';

// Function properties, not methods: every Progress is built from closures, so its functions
// may be passed around unbound (trackedBar does).
export interface Progress {
  update: (value: number, note?: string) => void;
  setTotal: (total: number) => void;
  stop: () => void;
}

export function progressBar(label: string, total: number, unit: string): Progress {
  if (!process.stderr.isTTY) {
    return { update: () => undefined, setTotal: () => undefined, stop: () => undefined };
  }
  const bar = new SingleBar(
    {
      format: `${label.padEnd(26)} {bar} {value}/{total} ${unit} | {duration_formatted} | {note}`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 5,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  bar.start(Math.max(1, total), 0, { note: '' });
  let stopped = false;
  return {
    update: (value, note = '') => {
      if (!stopped) bar.update(Math.min(value, bar.getTotal()), { note });
    },
    setTotal: (next) => {
      if (!stopped) bar.setTotal(Math.max(1, next));
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/** Every progress bar still drawn, so an interrupt can end them before printing. */
const open = new Set<Progress>();

export function trackedBar(label: string, total: number, unit: string): Progress {
  const bar = progressBar(label, total, unit);
  const tracked: Progress = {
    update: bar.update,
    setTotal: bar.setTotal,
    stop: () => {
      open.delete(tracked);
      bar.stop();
    },
  };
  open.add(tracked);
  return tracked;
}

export function stopAllBars(): void {
  for (const bar of [...open]) bar.stop();
}
