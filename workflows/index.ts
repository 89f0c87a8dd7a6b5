// The workflow bundle's entry: every workflow the worker runs.
export { measureWorkflow } from './measure.js';
