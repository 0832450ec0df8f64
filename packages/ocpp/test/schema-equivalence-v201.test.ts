import { describeEquivalence } from './support/equivalence-suite.js'

describeEquivalence('v201')
