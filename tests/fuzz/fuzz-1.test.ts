/** The fuzz suite (./suite.ts), part 1 of 2. */
import { fuzzSuite } from './suite.ts';

fuzzSuite(0);
