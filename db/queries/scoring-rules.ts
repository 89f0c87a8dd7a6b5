// 考核规则 as versions (scoring_rules): version 1 is seeded with the defaults; the office adds a
// version effective from a day; a period is scored under the version in force on its last day.
import { desc, lte, sql } from 'drizzle-orm';
import { DEFAULT_SCORING_RULES, scoringRulesSchema, type ScoringRules } from '../../common/scoring.js';
import type { Database } from '../client.js';
import { scoringRules } from '../schema/index.js';

export interface ScoringRulesVersion {
  version: number;
  /** YYYY-MM-DD: the first day it applies to. */
  effectiveFrom: string;
  rules: ScoringRules;
  note: string | null;
  createdBy: string;
  createdAt: string;
}

/** Version 1, in force since before any measure: the defaults. */
const SEED = { version: 1, effectiveFrom: '2000-01-01', note: '默认考核规则 / the default rules', createdBy: 'system' };

/** Writes version 1 if missing; an office's later versions are never touched. */
export async function seedScoringRules(db: Database): Promise<void> {
  await db
    .insert(scoringRules)
    .values({ ...SEED, rules: DEFAULT_SCORING_RULES })
    .onConflictDoNothing();
}

type Row = typeof scoringRules.$inferSelect;
const view = (r: Row): ScoringRulesVersion => ({
  version: r.version,
  effectiveFrom: r.effectiveFrom,
  // Stored only through the schema; parsed again so that a hand-edited row cannot score nonsense.
  rules: scoringRulesSchema.parse(r.rules),
  note: r.note,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
});

/** The version in force on a day (YYYY-MM-DD); the defaults if the table holds none so early. */
export async function scoringRulesOn(db: Database, day: string): Promise<ScoringRulesVersion> {
  const [row] = await db.select().from(scoringRules).where(lte(scoringRules.effectiveFrom, day)).orderBy(desc(scoringRules.effectiveFrom)).limit(1);
  return row ? view(row) : { ...SEED, rules: DEFAULT_SCORING_RULES, createdAt: new Date(0).toISOString() };
}

export async function listScoringRules(db: Database): Promise<ScoringRulesVersion[]> {
  return (await db.select().from(scoringRules).orderBy(scoringRules.version)).map(view);
}

/** Adds the next version; null when a version already starts on that day. */
export async function addScoringRules(
  db: Database,
  v: { effectiveFrom: string; rules: ScoringRules; note: string | null; createdBy: string },
): Promise<ScoringRulesVersion | null> {
  return db.transaction(async (tx) => {
    // One writer at a time picks the next number.
    await tx.execute(sql`lock table scoring_rules in share row exclusive mode`);
    const [{ next }] = (await tx.execute<{ next: number }>(sql`select coalesce(max(version), 0) + 1 as next from scoring_rules`)) as unknown as [{ next: number }];
    const [row] = await tx
      .insert(scoringRules)
      .values({ version: next, effectiveFrom: v.effectiveFrom, rules: v.rules, note: v.note, createdBy: v.createdBy })
      .onConflictDoNothing({ target: scoringRules.effectiveFrom })
      .returning();
    return row ? view(row) : null;
  });
}
