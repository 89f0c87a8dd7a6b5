// The office's list filters as they live in the address (`?list=supervision&rag=red&level=3`): read
// into the API's list query, changed one at a time, and turned into the export's address, so a
// bookmarked or forwarded view opens the same measures and downloads what is on screen.
import type { ListKind, ListQuery } from '../../api/types';

export const LIST_KINDS = ['responsibility', 'supervision', 'closure'] as const satisfies readonly ListKind[];
const RAGS = ['red', 'yellow', 'green'] as const;
const SORTS = ['seq', 'deadline', 'rag', 'level', 'updated', 'progress', 'department'] as const;

/** The filters a list can be narrowed by; also what the export takes. */
export const FILTER_KEYS = ['policyId', 'areaId', 'departmentId', 'rag', 'level', 'overdue', 'q'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface ListView {
  list: ListKind;
  query: ListQuery;
  /** How many filters narrow the list (the tab and page do not count). */
  active: number;
}

const pick = <T extends string>(values: readonly T[], v: string | null): T | undefined => values.find((x) => x === v);

/** Reads the address; anything malformed is ignored rather than sent to the API to be refused. */
export function readListView(params: URLSearchParams, pageSize: number): ListView {
  const level = Number(params.get('level'));
  const overdue = params.get('overdue');
  const q = params.get('q')?.trim().slice(0, 100);
  const query: ListQuery = {
    policyId: params.get('policyId') || undefined,
    areaId: params.get('areaId') || undefined,
    departmentId: params.get('departmentId') || undefined,
    rag: pick(RAGS, params.get('rag')),
    level: params.get('level') !== null && Number.isInteger(level) && level >= 0 && level <= 4 ? level : undefined,
    overdue: overdue === 'true' ? true : overdue === 'false' ? false : undefined,
    q: q || undefined,
    sort: pick(SORTS, params.get('sort')),
    order: pick(['asc', 'desc'] as const, params.get('order')),
    page: Math.max(1, Math.floor(Number(params.get('page'))) || 1),
    pageSize,
  };
  for (const k of Object.keys(query) as Array<keyof ListQuery>) if (query[k] === undefined) delete query[k];
  return { list: pick(LIST_KINDS, params.get('list')) ?? 'responsibility', query, active: FILTER_KEYS.filter((k) => query[k] !== undefined).length };
}

/** The address after some changes (undefined or '' removes); any change but the page goes back to page 1. */
export function changeParams(params: URLSearchParams, changes: Record<string, string | number | boolean | undefined>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') next.delete(k);
    else next.set(k, String(v));
  }
  if (!('page' in changes)) next.delete('page');
  return next;
}

/**
 * The address as it is now. Changes start from it rather than from a render's copy: the router
 * renders a navigation as a transition, so a handler of the screen before it (typing a search
 * right after choosing a filter) would otherwise drop the filter just chosen.
 */
export function currentParams(): URLSearchParams {
  return new URLSearchParams(window.location.search);
}

/** Every filter removed; the list tab stays. */
export function clearFilters(params: URLSearchParams): URLSearchParams {
  return changeParams(params, Object.fromEntries([...FILTER_KEYS, 'sort', 'order'].map((k) => [k, undefined])));
}

/** The Excel export of the list as filtered on screen (the same filters, every page). */
export function exportHref(view: ListView): string {
  const params = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = view.query[k];
    if (v !== undefined) params.set(k, String(v));
  }
  return `/api/exports/lists/${view.list}${params.size ? `?${params}` : ''}`;
}
