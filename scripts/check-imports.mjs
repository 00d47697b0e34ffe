// `npm run lint`'s import check: dependency-cruiser applies the file rules of .dependency-cruiser.cjs,
// then this script refuses circles between folders, which those rules cannot express: each file
// may import one way and two folders still lean on each other (src/temporal ⇄ workflows once did).
import process from 'node:process';
import { cruise, format } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOTS = ['src', 'workflows', 'activities', 'scripts'];
// The units of the layering: each folder under src/, the contracts apart from the workflows, the dev runner.
const FOLDER = /^(workflows\/contracts|scripts\/dev|src\/[^/]+|[^/]+)/;

const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
const { output: result } = await cruise(ROOTS, options, {}, { tsConfig: extractTSConfig('tsconfig.json') });
const fileReport = await format(result, { outputType: 'err' });
process.stdout.write(fileReport.output);

/** Folder → folder it imports → one file edge that shows it. */
const edges = new Map();
for (const { source, dependencies } of result.modules) {
  for (const { resolved, coreModule, couldNotResolve } of dependencies) {
    if (coreModule || couldNotResolve || resolved.startsWith('node_modules/')) continue;
    const [from, to] = [FOLDER.exec(source)[1], FOLDER.exec(resolved)[1]];
    if (from === to) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${source} → ${resolved}`);
  }
}

function reachable(start) {
  const seen = new Set();
  const stack = [start];
  while (stack.length > 0) {
    for (const next of edges.get(stack.pop())?.keys() ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(next);
    }
  }
  return seen;
}

// Two folders are in one circle when each reaches the other; print the edges inside each circle.
const reach = new Map([...edges.keys()].map((folder) => [folder, reachable(folder)]));
const circles = [];
for (const [from, tos] of edges) {
  for (const [to, example] of tos) {
    if (reach.get(to)?.has(from)) circles.push(`  error folder-circle: ${from} → ${to} (${example})`);
  }
}
if (circles.length > 0) process.stdout.write(`\n${circles.join('\n')}\n\nx ${circles.length} folder edges inside circles.\n`);
process.exitCode = fileReport.exitCode > 0 || circles.length > 0 ? 1 : 0;
