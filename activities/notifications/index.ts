// The notification activities: delivery (inbox, email, group robots), digests, and starting
// delivery workflows — after a projection commits, and from the sweeper for entries nobody started.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Database } from '../../db/client.js';
import { createDeliveryActivities, stalePendingEntries } from './delivery.js';
import { createDigestActivities } from './digest.js';
import { syncDigestSchedules } from './schedules.js';
import type { NotificationSettings } from './settings.js';
import { type OutboxRef, startDeliveries } from './start.js';

export interface NotificationDeps {
  db: Database;
  client: Client;
  taskQueue: string;
  settings: NotificationSettings;
}

function warn(message: string, err: unknown): void {
  const line = `${message}: ${err instanceof Error ? err.message : String(err)}`;
  try {
    Context.current().log.warn(line);
  } catch {
    console.warn(line);
  }
}

export function createNotificationActivities(deps: NotificationDeps) {
  const { db, client, taskQueue, settings } = deps;
  return {
    ...createDeliveryActivities(db, settings),
    ...createDigestActivities(db, settings),

    async startDeliveries(entries: OutboxRef[]): Promise<number> {
      return startDeliveries(client, taskQueue, settings, entries);
    },

    /** Starts delivery of entries left pending, and keeps the leaders' digest schedules in step. */
    async sweepOutbox(): Promise<{ stale: number; started: number }> {
      const stale = await stalePendingEntries(db, settings.sweepAfterMs);
      const started = await startDeliveries(client, taskQueue, settings, stale);
      try {
        await syncDigestSchedules(deps);
      } catch (err) {
        warn('digest schedules not synchronised', err);
      }
      return { stale: stale.length, started };
    },
  };
}

/**
 * For the projection: start delivery of the entries it just committed, without waiting — a
 * measure's next step never waits on its notifications. A failure here loses nothing (the
 * entries stay pending and the sweeper starts them), so it is logged, not thrown.
 */
export function afterOutboxCommit(deps: NotificationDeps): (entries: OutboxRef[]) => Promise<void> {
  return async (entries) => {
    void startDeliveries(deps.client, deps.taskQueue, deps.settings, entries).catch((err: unknown) => warn('delivery not started, the sweeper will', err));
  };
}
