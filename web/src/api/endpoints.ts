// Every API call the dashboard makes, one function each, typed from the server's schemas
// (./types). Pages call these through TanStack Query; nothing else builds a URL.
import { api } from './client';
import type {
  ActionBody,
  CalendarChange,
  CalendarRollout,
  CalendarRolloutDetail,
  CalendarYear,
  CalendarYears,
  Channel,
  ChannelChange,
  ChannelTestResult,
  CorrectDayBody,
  Department,
  DepartmentChange,
  DigestPreview,
  EnterYearBody,
  FailedNotification,
  FailedStepDetail,
  FailedStepsPage,
  ReplayBody,
  ReplayResult,
  InboxMessage,
  InboxPage,
  NewChannel,
  NewDepartment,
  NewPerson,
  PersonChange,
  ScorecardPage,
  EvidenceFile,
  ListKind,
  ListPage,
  ListQuery,
  LoginBody,
  LoginResponse,
  MeasureAction,
  MeasureDetail,
  MeasureState,
  Person,
  Policy,
  ExcelImportQuery,
  ImportResult,
  DispatchAllResult,
  QueueKind,
  QueuePage,
} from './types';

/** URL segment of each measure action (POST /api/measures/:id/<segment>). */
const ACTION_PATHS: Record<MeasureAction, string> = {
  acknowledge: 'acknowledge',
  decline: 'decline',
  submitProgress: 'submit-progress',
  applyClosure: 'apply-closure',
  requestExtension: 'request-extension',
  reviewClosure: 'review-closure',
  decideExtension: 'decide-extension',
  reassignLead: 'reassign-lead',
  cancel: 'cancel',
  flag: 'flag',
};

export const auth = {
  me: () => api.get<Person>('/api/auth/me'),
  login: (body: LoginBody) => api.post<LoginResponse>('/api/auth/login', body),
  logout: () => api.post<{ ok: true }>('/api/auth/logout'),
};

export const lists = {
  page: (list: ListKind, query: ListQuery = {}) => api.get<ListPage>(`/api/lists/${list}`, query),
};

export const queues = {
  page: (queue: QueueKind, query: ListQuery = {}) => api.get<QueuePage>(`/api/queues/${queue}`, query),
};

export const measures = {
  get: (id: string) => api.get<MeasureDetail>(`/api/measures/${encodeURIComponent(id)}`),
  act: <A extends MeasureAction>(id: string, action: A, body: ActionBody<A>, idempotencyKey: string) =>
    api.post<MeasureState>(`/api/measures/${encodeURIComponent(id)}/${ACTION_PATHS[action]}`, body, { idempotencyKey }),
  /** An evidence file for this measure; its id goes into a report's or closure application's evidence. */
  uploadEvidence: (id: string, file: File, idempotencyKey: string) => api.upload<EvidenceFile>(`/api/measures/${encodeURIComponent(id)}/evidence`, file, idempotencyKey),
};

export const departments = {
  list: () => api.get<Department[]>('/api/departments'),
  create: (body: NewDepartment) => api.post<Department>('/api/departments', body),
  update: (id: string, body: DepartmentChange) => api.patch<Department>(`/api/departments/${encodeURIComponent(id)}`, body),
};

export const people = {
  list: () => api.get<Person[]>('/api/people'),
  create: (body: NewPerson) => api.post<Person>('/api/people', body),
  update: (id: string, body: PersonChange) => api.patch<Person>(`/api/people/${encodeURIComponent(id)}`, body),
};

export const scorecards = {
  /** This month's scorecard, the rows the signed-in person may see. */
  current: () => api.get<ScorecardPage>('/api/scorecards'),
  /** Department scorecards for a period (2025, 2025-06, 2025-Q3, 2025-H1). */
  page: (period: string) => api.get<ScorecardPage>('/api/scorecards', { period }),
  exportUrl: (period: string) => `/api/exports/scorecards?${new URLSearchParams({ period })}`,
};

export const notifications = {
  channels: () => api.get<Channel[]>('/api/notifications/channels'),
  createChannel: (body: NewChannel) => api.post<Channel>('/api/notifications/channels', body),
  updateChannel: (id: string, body: ChannelChange) => api.patch<Channel>(`/api/notifications/channels/${encodeURIComponent(id)}`, body),
  deleteChannel: (id: string) => api.delete<{ ok: true }>(`/api/notifications/channels/${encodeURIComponent(id)}`),
  testChannel: (id: string) => api.post<ChannelTestResult>(`/api/notifications/channels/${encodeURIComponent(id)}/test`),
  failed: () => api.get<FailedNotification[]>('/api/notifications/failed'),
  retry: (outboxId: number) => api.post<{ status: 'started' }>(`/api/notifications/outbox/${outboxId}/retry`),
};

export const failedSteps = {
  page: (query: { status?: 'open' | 'replayed' | 'discarded'; page?: number; pageSize?: number } = {}) => api.get<FailedStepsPage>('/api/failed-steps', query),
  get: (id: number) => api.get<FailedStepDetail>(`/api/failed-steps/${id}`),
  replay: (id: number, body: ReplayBody) => api.post<ReplayResult>(`/api/failed-steps/${id}/replay`, body),
  discard: (id: number, reason: string) => api.post<FailedStepDetail>(`/api/failed-steps/${id}/discard`, { reason }),
};

export const digests = {
  /** The signed-in leader's digest as it stands now. */
  preview: () => api.get<DigestPreview>('/api/digests/preview'),
};

export const inbox = {
  /** The signed-in person's messages, newest first, with the unread count. */
  page: (query: { unread?: boolean; page?: number; pageSize?: number } = {}) => api.get<InboxPage>('/api/inbox', query),
  read: (id: number) => api.post<InboxMessage>(`/api/inbox/${id}/read`),
  readAll: () => api.post<{ updated: number }>('/api/inbox/read-all'),
};

export const policies = {
  list: () => api.get<Policy[]>('/api/policies'),
  /** 交办 every draft measure of a policy. */
  dispatchAll: (id: string, idempotencyKey: string) => api.post<DispatchAllResult>(`/api/policies/${encodeURIComponent(id)}/dispatch`, {}, { idempotencyKey }),
};

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const imports = {
  templateUrl: '/api/import/template.xlsx',
  excel: (file: Blob, options: ExcelImportQuery, idempotencyKey?: string) =>
    api.postFile<ImportResult>('/api/import/policies/excel', { data: file, type: XLSX_TYPE }, { query: { ...options }, idempotencyKey }),
};

export const calendar = {
  years: () => api.get<CalendarYears>('/api/calendar/years'),
  year: (year: number) => api.get<CalendarYear>(`/api/calendar/years/${year}`),
  /** Enters (replaces) a year's arrangement; `dryRun` only reads and checks it. */
  enterYear: (year: number, body: EnterYearBody) => api.put<CalendarChange>(`/api/calendar/years/${year}`, body),
  correctDay: (day: string, body: CorrectDayBody) => api.put<CalendarChange>(`/api/calendar/days/${day}`, body),
  rollouts: () => api.get<CalendarRollout[]>('/api/calendar/rollouts'),
  rollout: (id: string) => api.get<CalendarRolloutDetail>(`/api/calendar/rollouts/${encodeURIComponent(id)}`),
};
