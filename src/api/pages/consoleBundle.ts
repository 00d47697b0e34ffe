// The browser console (src/console/) bundled by esbuild once per process, when the API starts,
// and kept in memory: no build step, no files written, and a bundling error stops the start.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type OutputFile } from 'esbuild';

export interface ConsoleAssets {
  html: string;
  script: string;
  style: string;
}

const ENTRY = 'main.ts';

/**
 * The folder of the console's sources: src/console/ of the tree this file runs from, whether from
 * the sources (tsx, jest) or from dist/ (the image copies src/console/ beside dist/).
 */
export function consoleSourceDir(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'src', 'console');
    if (existsSync(path.join(candidate, ENTRY))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`the console's sources (src/console/${ENTRY}) are not found above ${from}`);
  }
}

/** Bundles the console from `sourceDir`: one script (Preact, htm, uPlot and the app) and one style sheet. */
export async function bundleConsole(sourceDir: string = consoleSourceDir()): Promise<ConsoleAssets> {
  let outputFiles: OutputFile[];
  try {
    ({ outputFiles } = await build({
      absWorkingDir: sourceDir,
      entryPoints: { app: `./${ENTRY}` },
      bundle: true,
      write: false,
      outdir: 'bundle',
      // An IIFE of plain functions: nothing the CSP refuses (no eval, no new Function, no inline script).
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'silent',
    }));
  } catch (error) {
    throw new Error(`the console could not be bundled from ${sourceDir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const output = (extension: string) => {
    const file = outputFiles.find((candidate) => candidate.path.endsWith(extension));
    if (!file) throw new Error(`bundling the console gave no ${extension} file`);
    return file.text;
  };
  return { html: await readFile(path.join(sourceDir, 'index.html'), 'utf8'), script: output('.js'), style: output('.css') };
}

let bundled: Promise<ConsoleAssets> | undefined;

/** The console's assets, bundled on the first call of the process. */
export function consoleAssets(): Promise<ConsoleAssets> {
  bundled ??= bundleConsole();
  return bundled;
}
