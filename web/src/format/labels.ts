// Chinese names of the API's codes, for everything the dashboard shows (DESIGN.md's glossary).
import type { Role } from '../api/types';

export const ROLE_NAMES: Record<Role, string> = {
  coordination_office: '统筹协调部门',
  department: '责任单位',
  leader: '分管领导',
  admin: '系统管理员',
};

export const STATUS_NAMES: Record<string, string> = {
  draft: '草稿',
  dispatched: '待签收',
  supervised: '督办中',
  closure_review: '销号审核中',
  closed: '已销号',
  cancelled: '已撤销',
};

export const LIST_NAMES = { responsibility: '责任清单', supervision: '督办清单', closure: '销号清单' } as const;

export const RAG = {
  green: { name: '绿灯', status: 'success' },
  yellow: { name: '黄灯', status: 'warning' },
  red: { name: '红灯', status: 'error' },
} as const;

export const LEVEL_NAMES: Record<number, string> = { 0: '无', 1: '提醒', 2: '催办', 3: '督办', 4: '挂牌督办' };

export const ASSIGNMENT_ROLE_NAMES = { lead: '牵头单位', cooperating: '配合单位' } as const;

/** What a pending item or an escalation is about. */
export const ITEM_NAMES: Record<string, string> = { acknowledge: '签收', report: '进展反馈', deadline: '完成时限', review: '销号审核' };
