// `npm run lint`'s layout check: README.md's layout table against the tree, so the one map
// of the code cannot drift again. Each row names a folder and, in its third cell, every file in it
// (an empty cell: only the folder is checked). Every folder of the code needs a row.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import process from 'node:process';

const CODE_ROOTS = ['src', 'workflows', 'activities', 'scripts'];
const FILE = /`([\w.-]+\.(?:ts|mjs|cjs|js|sh|patch|css|html|json))`/g;

const text = readFileSync('README.md', 'utf8');
const table = text.slice(text.indexOf('## Layout'), text.indexOf('\n## ', text.indexOf('## Layout') + 1));
const rows = new Map();
for (const line of table.split('\n')) {
  const cells = line.split('|').map((cell) => cell.trim());
  const folder = /^`([\w./-]+)\/`$/.exec(cells[1] ?? '')?.[1];
  if (folder) rows.set(folder, cells[3] ? [...cells[3].matchAll(FILE)].map((match) => match[1]) : undefined);
}

const entries = (folder) => readdirSync(folder, { withFileTypes: true });
const subfolders = (folder) =>
  entries(folder)
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [`${folder}/${entry.name}`, ...subfolders(`${folder}/${entry.name}`)]);

const problems = [];
for (const folder of [...CODE_ROOTS.flatMap(subfolders), 'src', 'workflows', 'activities', 'scripts']) {
  if (!rows.has(folder)) problems.push(`${folder}/ has no row`);
}
for (const [folder, listed] of rows) {
  if (!existsSync(folder)) {
    problems.push(`${folder}/ has a row but is not in the tree`);
    continue;
  }
  if (!listed) continue;
  const present = entries(folder)
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
  for (const name of listed.filter((name) => !present.includes(name))) problems.push(`${folder}/ names ${name}, which is not there`);
  for (const name of present.filter((name) => !listed.includes(name))) problems.push(`${folder}/ holds ${name}, which its row does not name`);
}

if (problems.length > 0) {
  process.stdout.write(`README.md's layout table and the tree differ:\n${problems.map((problem) => `  ${problem}`).join('\n')}\n`);
  process.exitCode = 1;
}
