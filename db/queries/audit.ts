// The audit trail for what happens outside a measure's workflow (sign-ins, people, policies,
// imports, drafts): the workflow's own steps are written by its projection activity.
import type { Database } from '../client.js';
import { auditEvents } from '../schema/index.js';

export interface AuditEntry {
  actor: { id: string; role: string } | null;
  action: string;
  measureId?: string | null | undefined;
  detail?: Record<string, unknown> | undefined;
}

export async function audit(db: Pick<Database, 'insert'>, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({
    measureId: entry.measureId ?? null,
    actor: entry.actor?.id ?? 'anonymous',
    actorRole: entry.actor?.role ?? null,
    action: entry.action,
    detail: entry.detail ?? {},
    occurredAt: new Date(),
  });
}
