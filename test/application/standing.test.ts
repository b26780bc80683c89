import { standingSuite } from './standing-suite.js';
import { testService } from './fixtures.js';

standingSuite('in memory', (seed) => testService({ catalog: seed }));
