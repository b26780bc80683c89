/** The lifecycle suite on the in-memory adapters. */
import { lifecycleSuite } from './lifecycle-suite.js';
import { testSeed, testService } from './fixtures.js';

lifecycleSuite('in memory', (options = {}) =>
  testService({
    ...(options.quotas === undefined ? {} : { catalog: testSeed(options.quotas) }),
    ...(options.wrapProvisioner === undefined ? {} : { wrapProvisioner: options.wrapProvisioner }),
  }),
);
