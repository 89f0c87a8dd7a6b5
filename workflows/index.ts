// The workflow bundle's entry: every workflow the worker runs.
export { measureWorkflow } from './measure.js';
export { notificationWorkflow, sweepOutboxWorkflow } from './notification.js';
export { digestWorkflow } from './digest.js';
export { calendarRolloutWorkflow } from './calendar-rollout.js';
