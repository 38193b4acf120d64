/** The fuzz suite (./suite.ts), part 2 of 2. */
import { fuzzSuite } from './suite.ts';

fuzzSuite(1);
