import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { departments } from './department.js';
import { measures } from './measure.js';
import { people } from './person.js';

/**
 * 佐证材料文件: a file a department uploaded for a measure, kept by the server (EVIDENCE_DIR, named
 * by its id). A progress report or closure application names it by `fileId`; downloads are checked
 * against who may see the measure.
 */
export const evidenceFiles = pgTable(
  'evidence_files',
  {
    id: uuid('id').primaryKey(),
    measureId: uuid('measure_id').notNull().references(() => measures.id, { onDelete: 'cascade' }),
    departmentId: text('department_id').notNull().references(() => departments.id),
    uploadedBy: uuid('uploaded_by').notNull().references(() => people.id),
    /** The name as uploaded (its folders dropped). */
    name: text('name').notNull(),
    /** Derived from the name's extension and checked against the content, never the client's word. */
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    /** SHA-256 of the content, hex. */
    sha256: text('sha256').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.measureId)],
);
