/**
 * The hexagon's one rule, made executable: dependencies point inwards only.
 * `npm run layering` fails when the domain imports anything outside itself (including node built-ins
 * and packages other than neverthrow), when the application imports an adapter, when an adapter imports
 * another adapter, or when an adapter imports the composition root.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/domain imports only itself and neverthrow: no node built-ins, no I/O, no DI, no adapters.',
      from: { path: '^src/domain' },
      to: { pathNot: ['^src/domain', '^node_modules/neverthrow'] },
    },
    {
      name: 'domain-no-core-modules',
      severity: 'error',
      comment: 'node built-ins (node:crypto, fs, …) are I/O or randomness: they belong in adapters.',
      from: { path: '^src/domain' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'application-knows-no-adapter',
      severity: 'error',
      comment: 'The application layer depends on ports, never on their implementations.',
      from: { path: '^src/application' },
      to: { path: '^src/adapters' },
    },
    {
      name: 'application-no-io-packages',
      severity: 'error',
      comment: 'The application layer stays free of drivers and frameworks.',
      from: { path: '^src/application' },
      to: { path: '^node_modules/(pg|fastify|@smithy|@aws-crypto)(/|$)' },
    },
    {
      name: 'adapters-do-not-import-each-other',
      severity: 'error',
      comment:
        'An adapter reaches another only through a port; helpers two adapters share live in a neutral module.',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/', pathNot: '^src/adapters/$1/' },
    },
    {
      name: 'adapters-do-not-import-the-root',
      severity: 'error',
      comment:
        'Driving adapters depend on the inbound port in application, never on the composition root that assembles them.',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(streaming-sessions|index|http)\\.ts$|^src/server/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
