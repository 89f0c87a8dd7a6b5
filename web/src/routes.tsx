// Every page of the dashboard, in one table: its address, its menu entry, who may open it, and its
// code (loaded on first visit, one chunk per page). The menu and the role checks are made from
// this table; adding a page is adding a line here and a file under pages/.
import { AlertOutlined, ApartmentOutlined, AuditOutlined, BarChartOutlined, BugOutlined, CalendarOutlined, CheckSquareOutlined, ImportOutlined, NotificationOutlined, TeamOutlined, UnorderedListOutlined, WarningOutlined } from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import type { Role } from './api/types';

export interface PageRoute {
  path: string;
  title: string;
  roles: readonly Role[];
  page: LazyExoticComponent<ComponentType>;
  /** Shown in the menu (pages reached by link only, like a measure, have none). */
  menu?: { icon: ReactNode };
}

const EVERYONE: readonly Role[] = ['coordination_office', 'department', 'leader', 'admin'];

export const PAGES: PageRoute[] = [
  { path: '/office', title: '三张清单', roles: ['coordination_office', 'admin'], menu: { icon: <UnorderedListOutlined /> }, page: lazy(() => import('./pages/office/OfficeHome')) },
  { path: '/office/queues', title: '待办审核', roles: ['coordination_office', 'admin'], menu: { icon: <AuditOutlined /> }, page: lazy(() => import('./pages/office/QueuesPage')) },
  { path: '/office/import', title: '导入政策文件', roles: ['coordination_office', 'admin'], menu: { icon: <ImportOutlined /> }, page: lazy(() => import('./pages/office/ImportPage')) },
  { path: '/office/scorecards', title: '监督考核', roles: ['coordination_office', 'admin'], menu: { icon: <BarChartOutlined /> }, page: lazy(() => import('./pages/office/ScorecardsPage')) },
  { path: '/department', title: '待办事项', roles: ['department'], menu: { icon: <CheckSquareOutlined /> }, page: lazy(() => import('./pages/department/DepartmentHome')) },
  { path: '/leader', title: '督办看板', roles: ['leader'], menu: { icon: <AlertOutlined /> }, page: lazy(() => import('./pages/leader/LeaderHome')) },
  { path: '/admin/people', title: '人员管理', roles: ['admin'], menu: { icon: <TeamOutlined /> }, page: lazy(() => import('./pages/admin/PeoplePage')) },
  { path: '/admin/departments', title: '部门管理', roles: ['admin'], menu: { icon: <ApartmentOutlined /> }, page: lazy(() => import('./pages/admin/DepartmentsPage')) },
  { path: '/admin/channels', title: '通知渠道', roles: ['admin'], menu: { icon: <NotificationOutlined /> }, page: lazy(() => import('./pages/admin/ChannelsPage')) },
  { path: '/admin/failed-steps', title: '失败步骤', roles: ['admin'], menu: { icon: <BugOutlined /> }, page: lazy(() => import('./pages/admin/FailedStepsPage')) },
  { path: '/admin/failed-deliveries', title: '投递失败', roles: ['admin'], menu: { icon: <WarningOutlined /> }, page: lazy(() => import('./pages/admin/FailedDeliveriesPage')) },
  { path: '/calendar', title: '节假日安排', roles: ['admin', 'coordination_office'], menu: { icon: <CalendarOutlined /> }, page: lazy(() => import('./pages/calendar/CalendarPage')) },
  { path: '/measures/:id', title: '措施详情', roles: EVERYONE, page: lazy(() => import('./pages/measures/MeasurePage')) },
];

/** Where each role lands after signing in. */
export const HOME: Record<Role, string> = {
  coordination_office: '/office',
  department: '/department',
  leader: '/leader',
  admin: '/admin/people',
};
