import { pipelineSuite } from './pipeline-suite.js';
import { testService } from './fixtures.js';

pipelineSuite('in memory', () => testService({ config: { maxCommitAttempts: 5 } }));
