// Types shared by the measure workflow, its activities and its clients. Types only: nothing here
// runs, so any side may import it.

export type MeasureStatus = 'dispatched' | 'supervised' | 'closure_review' | 'closed' | 'cancelled';
export type ListKind = 'responsibility' | 'supervision' | 'closure';
export type Rag = 'green' | 'yellow' | 'red';
export type AssignmentRole = 'lead' | 'cooperating';
export type ActorRole = 'admin' | 'coordination_office' | 'department' | 'leader' | 'system';

/** Who acts: a person, in a role, for a department (department users and the office). */
export interface Actor {
  id: string;
  role: ActorRole;
  departmentId?: string | undefined;
}

export interface Evidence {
  name: string;
  url?: string | undefined;
  note?: string | undefined;
  /** An uploaded file (evidence_files), checked by the API before the workflow hears of it. */
  fileId?: string | undefined;
}

/** The read-model row a step leaves behind. */
export interface ListEntryView {
  list: ListKind | null;
  status: MeasureStatus;
  rag: Rag;
  escalationLevel: number;
  leadDepartmentId: string;
  deadlineAt: string | null;
  acknowledgeDueAt: string | null;
  reportDueAt: string | null;
  reviewDueAt: string | null;
  progressPercent: number | null;
  lastReportAt: string | null;
  closedAt: string | null;
  /** Years without a holiday arrangement that a pending due time falls in (absent from older workflows). */
  calendarGapYears?: number[] | undefined;
  snapshot: unknown;
}

/** A pending due time, as a calendar change compares them. */
export interface PendingDue {
  kind: string;
  departmentId?: string | undefined;
  round?: number | undefined;
  dueAt: string;
  /** When its next escalation rung fires. */
  nextRungAt: string | null;
}

/** A measure's answer to a calendar change: its pending due times before and after. */
export interface DueTimesRecalculated {
  open: boolean;
  before: PendingDue[];
  after: PendingDue[];
  moved: boolean;
  calendarGapYears: number[];
}

export interface AssignmentView {
  departmentId: string;
  role: AssignmentRole;
  acknowledgedAt: string | null;
  declinedAt: string | null;
  declineReason: string | null;
}

export interface NotificationRequest {
  /** Unique per measure and cause: the same reminder is never requested twice. */
  key: string;
  kind: string;
  departmentId?: string | undefined;
  role?: ActorRole | undefined;
  payload: Record<string, unknown>;
}

/** One transition of a measure, as projected to PostgreSQL. */
export interface ProjectionStep {
  measureId: string;
  seq: number;
  at: string;
  actor: string;
  actorRole?: ActorRole | undefined;
  action: string;
  fromState?: MeasureStatus | null | undefined;
  detail?: Record<string, unknown> | undefined;
  entry: ListEntryView;
  assignments?: AssignmentView[] | undefined;
  removedDepartmentIds?: string[] | undefined;
  report?:
    | {
        round: number;
        departmentId: string;
        text: string;
        percent?: number | undefined;
        indicatorValue?: number | undefined;
        evidence: Evidence[];
        late: boolean;
      }
    | undefined;
  notifications?: NotificationRequest[] | undefined;
}
