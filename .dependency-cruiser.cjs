// Which folder may import which: the layers of CONTRIBUTING.md ("Layers and the direction of
// imports"), checked by `npm run lint` (scripts/check-imports.mjs). Type-only imports count like
// values unless a rule says otherwise: a type import is still a reason to open the other file.
// Node built-ins and I/O packages in code that workflows load are eslint's job (eslint.config.mjs).
const lower = '^src/(core|policy|store|outbound|security)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'workflow-values-are-pure',
      comment: 'Workflow code is replayed: at run time it may load only workflows/, src/core/ and src/policy/.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^(src|activities|scripts)/', pathNot: '^src/(core|policy)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-never-import-activities',
      comment: 'Workflows reach activities through workflows/contracts/activities.ts, not even as types.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^activities/' },
    },
    {
      name: 'contracts-stand-alone',
      comment: 'workflows/contracts/ is what workflows, activities and clients share: it depends on no workflow.',
      severity: 'error',
      from: { path: '^workflows/contracts/' },
      to: { path: '^workflows/', pathNot: '^workflows/contracts/' },
    },
    {
      name: 'activities-see-only-contracts',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^workflows/', pathNot: '^workflows/contracts/' },
    },
    {
      name: 'src-sees-only-contracts',
      comment: 'Clients start workflows by their contracted names; workflow code stays in the bundle.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^workflows/', pathNot: '^workflows/contracts/' },
    },
    {
      name: 'only-the-worker-loads-activities',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main/worker\\.ts$' },
      to: { path: '^activities/' },
    },
    {
      name: 'entry-points-are-not-imported',
      comment: 'src/main/ starts processes; what they share lives in the layers below.',
      severity: 'error',
      from: { pathNot: '^src/main/' },
      to: { path: '^src/main/' },
    },
    {
      name: 'only-main-imports-api',
      comment: 'The web layer is the top: services, activities and scripts must not depend on Fastify code.',
      severity: 'error',
      from: { pathNot: '^src/(main|api)/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'lower-layers-stay-low',
      comment: 'Rules, repositories and the outgoing request know nothing of the application above them.',
      severity: 'error',
      from: { path: lower },
      to: { path: '^(src/(services|api|temporal|main)/|activities/|workflows/|scripts/)' },
    },
    {
      name: 'pure-stays-pure',
      comment: 'Workflows import src/core and src/policy, so those import nothing that does I/O.',
      severity: 'error',
      from: { path: '^src/(core|policy)/' },
      to: { path: '^(src|activities|workflows|scripts)/', pathNot: '^src/(core|policy)/' },
    },
    {
      name: 'console-is-a-client',
      comment: 'The browser console talks to Herald through the REST API only: it imports no server code.',
      severity: 'error',
      from: { path: '^src/console/' },
      to: { path: '^(src|workflows|activities|scripts)/', pathNot: '^src/console/' },
    },
    {
      name: 'nothing-imports-the-console',
      comment: 'The API bundles src/console/ by its path (src/api/pages/consoleBundle.ts); no server code imports it.',
      severity: 'error',
      from: { path: '^(src|workflows|activities|scripts)/', pathNot: '^src/console/' },
      to: { path: '^src/console/' },
    },
    {
      name: 'no-circular',
      comment: 'Files import one way; a shared type goes to a third file (e.g. src/store/types.ts).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    // See `import type` edges too: they are erased from the JavaScript but not from the design.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
