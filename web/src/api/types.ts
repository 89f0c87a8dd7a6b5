// The API's types, inferred from the server's own zod schemas (api/schemas/), which also validate
// every request and make the OpenAPI document. `import type` only: nothing of the server enters
// the bundle, and a change to a schema fails `npm run typecheck` here instead of in a browser.
import type { z } from 'zod';
import type { DigestContent } from '../../../activities/notifications/digest-content.js';
import type { errorBody, Role } from '../../../api/schemas/common.js';
import type { changeResult, correctDayBody, enterYearBody, rolloutDetail, rolloutSummary, yearsList, yearView } from '../../../api/schemas/calendar.js';
import type { department } from '../../../api/schemas/departments.js';
import type { listItem, listKind, listPage, listQuery } from '../../../api/schemas/lists.js';
import type { actionBodies, evidenceFile, measureDetail, measureState } from '../../../api/schemas/measures.js';
import type { channel, channelTestResult, createChannelBody, digestPreview, failedEntry, inboxMessage, inboxPage, updateChannelBody } from '../../../api/schemas/notifications.js';
import type { scorecardPage, scorecardRow } from '../../../api/schemas/scorecards.js';
import type { createDepartmentBody, updateDepartmentBody } from '../../../api/schemas/departments.js';
import type { createPersonBody, loginBody, loginResponse, person, updatePersonBody } from '../../../api/schemas/people.js';
import type { excelImportQuery, importResult } from '../../../api/schemas/imports.js';
import type { dispatchAllResult, policy } from '../../../api/schemas/policies.js';
import type { failedStep, failedStepDetail, failedStepsPage, replayBody, replayResult } from '../../../api/schemas/failed-steps.js';
import type { queueItem, queueKind, queuePage } from '../../../api/schemas/queues.js';

export type { Role, DigestContent };
export type ErrorBody = z.output<typeof errorBody>;
export type Person = z.output<typeof person>;
export type LoginBody = z.input<typeof loginBody>;
export type LoginResponse = z.output<typeof loginResponse>;
export type Department = z.output<typeof department>;

export type ListKind = z.output<typeof listKind>;
/** Query of a list, as the server reads it; every field optional (the server has defaults). */
export type ListQuery = Partial<z.output<typeof listQuery>>;
export type ListPage = z.output<typeof listPage>;
export type ListItem = z.output<typeof listItem>;

export type MeasureDetail = z.output<typeof measureDetail>;
export type MeasureState = z.output<typeof measureState>;
export type EvidenceFile = z.output<typeof evidenceFile>;
export type MeasureAction = keyof typeof actionBodies;
export type ActionBody<A extends MeasureAction> = z.input<(typeof actionBodies)[A]>;

export type DigestPreview = z.output<typeof digestPreview>;
export type InboxMessage = z.output<typeof inboxMessage>;
export type InboxPage = z.output<typeof inboxPage>;
export type ScorecardPage = z.output<typeof scorecardPage>;
export type ScorecardRow = z.output<typeof scorecardRow>;
export type Channel = z.output<typeof channel>;
export type ChannelTestResult = z.output<typeof channelTestResult>;
export type NewChannel = z.input<typeof createChannelBody>;
export type ChannelChange = z.input<typeof updateChannelBody>;
export type FailedNotification = z.output<typeof failedEntry>;
export type NewPerson = z.input<typeof createPersonBody>;
export type PersonChange = z.input<typeof updatePersonBody>;
export type NewDepartment = z.input<typeof createDepartmentBody>;
export type DepartmentChange = z.input<typeof updateDepartmentBody>;

export type Policy = z.output<typeof policy>;
export type QueueKind = z.output<typeof queueKind>;
export type QueuePage = z.output<typeof queuePage>;
export type QueueItem = z.output<typeof queueItem>;
export type ImportResult = z.output<typeof importResult>;
export type DispatchAllResult = z.output<typeof dispatchAllResult>;
/** Options of an Excel import, the query of POST /api/import/policies/excel (createDepartments: names joined by 、). */
export type ExcelImportQuery = z.input<typeof excelImportQuery>;
export type FailedStep = z.output<typeof failedStep>;
export type FailedStepDetail = z.output<typeof failedStepDetail>;
export type FailedStepsPage = z.output<typeof failedStepsPage>;
export type ReplayBody = z.input<typeof replayBody>;
export type ReplayResult = z.output<typeof replayResult>;
export type CalendarYears = z.output<typeof yearsList>;
export type CalendarYear = z.output<typeof yearView>;
export type CalendarDay = CalendarYear['days'][number];
export type CalendarChange = z.output<typeof changeResult>;
export type CalendarRollout = z.output<typeof rolloutSummary>;
export type CalendarRolloutDetail = z.output<typeof rolloutDetail>;
export type EnterYearBody = z.input<typeof enterYearBody>;
export type CorrectDayBody = z.input<typeof correctDayBody>;
