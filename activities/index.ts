import type { Client } from '@temporalio/client';
import type { Database } from '../db/client.js';
import { createCalendarActivities } from './calendar.js';
import { createCalendarRolloutActivities } from './calendar-rollout.js';
import { afterOutboxCommit, createNotificationActivities } from './notifications/index.js';
import { type NotificationSettings, resolveSettings } from './notifications/settings.js';
import { createProjectionActivities } from './projection.js';

export interface ActivityDeps {
  db: Database;
  /** Activities start workflows (notification delivery) through it. */
  client: Client;
  taskQueue: string;
  notifications?: Partial<NotificationSettings> | undefined;
}

/** Every activity the worker registers, bound to its database and Temporal client. */
export function createActivities(deps: ActivityDeps) {
  const notify = { db: deps.db, client: deps.client, taskQueue: deps.taskQueue, settings: resolveSettings(deps.notifications) };
  return {
    ...createProjectionActivities(deps.db, { afterCommit: afterOutboxCommit(notify) }),
    ...createCalendarActivities(deps.db),
    ...createCalendarRolloutActivities(deps),
    ...createNotificationActivities(notify),
  };
}
