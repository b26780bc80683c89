import { describeListStreamingSessions } from './list-suite.js';
import { testService } from './fixtures.js';

describeListStreamingSessions('in memory', ({ listPageSize }) =>
  testService({
    provisioner: { failInstanceTypes: { 'g4dn.2xlarge': 'INSUFFICIENT_CAPACITY' } },
    ...(listPageSize === undefined ? {} : { config: { listPageSize } }),
  }),
);
