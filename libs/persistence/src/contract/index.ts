// Contract suites other libraries run against their own implementations of persistence's ports
// (tests only: never imported by product code, so never built into dist/).
export { pageCheckpointContract } from './team-count.contract';
