import type { Database } from '../db/client.js';
import { createCalendarActivities } from './calendar.js';
import { createProjectionActivities } from './projection.js';

/** Every activity the worker registers, bound to its database. */
export function createActivities(db: Database) {
  return {
    ...createProjectionActivities(db),
    ...createCalendarActivities(db),
  };
}
