// The Temporal Schedules behind notifications, made to match the database idempotently: the
// outbox sweeper (every minute), the coordination office's daily summary, and one digest schedule
// per active leader (weekly, Monday 09:00 Asia/Shanghai, unless their subscription says otherwise).
// Run at worker start, by the sweeper every minute (so a leader added later gets a schedule), and
// when a subscription changes through the API.
import { type Client, ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleOptions, type ScheduleSpec } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { digestSubscriptions, people } from '../../db/schema/index.js';
import type { NotificationSettings } from './settings.js';

export const TIMEZONE = 'Asia/Shanghai';
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

/** A digest's rhythm as digest_subscriptions.schedule holds it; dayOfWeek '*' means every day. */
export const dayOfWeekSchema = z.enum([...DAYS, '*']);
export const digestScheduleSchema = z.object({
  dayOfWeek: dayOfWeekSchema.default('MONDAY'),
  hour: z.number().int().min(0).max(23).default(9),
  minute: z.number().int().min(0).max(59).default(0),
});
export type DigestSchedule = z.infer<typeof digestScheduleSchema>;
export const DEFAULT_DIGEST_SCHEDULE: DigestSchedule = { dayOfWeek: 'MONDAY', hour: 9, minute: 0 };

export const scheduleIds = (s: Pick<NotificationSettings, 'scheduleIdPrefix'>) => ({
  sweeper: `${s.scheduleIdPrefix}notify-sweeper`,
  office: `${s.scheduleIdPrefix}digest-office-daily`,
  leader: (personId: string) => `${s.scheduleIdPrefix}digest-${personId}`,
});

interface Deps {
  client: Client;
  db: Database;
  taskQueue: string;
  settings: NotificationSettings;
}

/**
 * Creates the schedule, or replaces it when what it should be (kept in its memo) has changed.
 * Replacing is a delete and a create: an update cannot change the memo.
 */
async function upsertSchedule(client: Client, options: ScheduleOptions): Promise<'created' | 'unchanged' | 'replaced'> {
  const key = JSON.stringify({ spec: options.spec, action: options.action, policies: options.policies });
  const withMemo = { ...options, memo: { ...options.memo, key } };
  try {
    await client.schedule.create(withMemo);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(options.scheduleId);
  const current = await handle.describe();
  if (current.memo?.key === key) return 'unchanged';
  await handle.delete();
  await client.schedule.create(withMemo);
  return 'replaced';
}

async function deleteSchedule(client: Client, scheduleId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

const digestPolicies = { overlap: 'SKIP' as const, catchupWindow: '12 hours' };

function digestSpec(settings: NotificationSettings, calendar: { dayOfWeek: DigestSchedule['dayOfWeek']; hour: number; minute: number }): ScheduleSpec {
  if (settings.digestEveryMs) return { intervals: [{ every: settings.digestEveryMs }] };
  return { calendars: [{ dayOfWeek: calendar.dayOfWeek, hour: calendar.hour, minute: calendar.minute }], timezone: TIMEZONE };
}

/** One leader's digest schedule, as their subscription says (or removed, when off or no longer a leader). */
export async function syncLeaderDigest(deps: Deps, personId: string): Promise<'created' | 'unchanged' | 'replaced' | 'removed' | 'absent'> {
  const [row] = await deps.db
    .select({ id: people.id, schedule: digestSubscriptions.schedule, enabled: digestSubscriptions.enabled })
    .from(people)
    .leftJoin(digestSubscriptions, eq(digestSubscriptions.personId, people.id))
    .where(and(eq(people.id, personId), eq(people.role, 'leader'), eq(people.active, true)));
  const id = scheduleIds(deps.settings).leader(personId);
  if (!row || row.enabled === false) return (await deleteSchedule(deps.client, id)) ? 'removed' : 'absent';
  const parsed = digestScheduleSchema.safeParse(row.schedule ?? DEFAULT_DIGEST_SCHEDULE);
  const calendar = parsed.success ? parsed.data : DEFAULT_DIGEST_SCHEDULE;
  return upsertSchedule(deps.client, {
    scheduleId: id,
    spec: digestSpec(deps.settings, calendar),
    action: { type: 'startWorkflow', workflowType: 'digestWorkflow', taskQueue: deps.taskQueue, workflowId: id, args: [{ audience: 'leader', personId }] },
    policies: digestPolicies,
  });
}

/** Every leader's digest schedule; schedules of people no longer leaders are removed. */
export async function syncDigestSchedules(deps: Deps): Promise<void> {
  const leaders = await deps.db.select({ id: people.id }).from(people).where(eq(people.role, 'leader'));
  for (const l of leaders) await syncLeaderDigest(deps, l.id);
  // Leaders deleted outright: find their schedules by id (listing is eventually consistent; a
  // later sweep catches what this one misses).
  const ids = scheduleIds(deps.settings);
  const known = new Set(leaders.map((l) => ids.leader(l.id)));
  const prefix = ids.leader('');
  for await (const s of deps.client.schedule.list()) {
    if (s.scheduleId.startsWith(prefix) && s.scheduleId !== ids.office && !known.has(s.scheduleId) && /^[0-9a-f-]{36}$/.test(s.scheduleId.slice(prefix.length))) {
      await deleteSchedule(deps.client, s.scheduleId);
    }
  }
}

/** The sweeper, the office's daily summary and every leader's digest. Idempotent. */
export async function ensureSchedules(deps: Deps): Promise<void> {
  const ids = scheduleIds(deps.settings);
  const { hour, minute } = deps.settings.officeDigestAt;
  await upsertSchedule(deps.client, {
    scheduleId: ids.sweeper,
    spec: { intervals: [{ every: deps.settings.sweepEveryMs }] },
    action: { type: 'startWorkflow', workflowType: 'sweepOutboxWorkflow', taskQueue: deps.taskQueue, workflowId: ids.sweeper, args: [] },
    policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
  });
  await upsertSchedule(deps.client, {
    scheduleId: ids.office,
    spec: digestSpec(deps.settings, { dayOfWeek: '*', hour, minute }),
    action: { type: 'startWorkflow', workflowType: 'digestWorkflow', taskQueue: deps.taskQueue, workflowId: ids.office, args: [{ audience: 'office' }] },
    policies: digestPolicies,
  });
  await syncDigestSchedules(deps);
}

/** Removes every schedule these settings made (tests clean up with it). */
export async function removeSchedules(deps: Pick<Deps, 'client' | 'settings'>): Promise<void> {
  const ids = scheduleIds(deps.settings);
  await deleteSchedule(deps.client, ids.sweeper);
  await deleteSchedule(deps.client, ids.office);
  for await (const s of deps.client.schedule.list()) {
    if (s.scheduleId.startsWith(ids.leader(''))) await deleteSchedule(deps.client, s.scheduleId);
  }
}
