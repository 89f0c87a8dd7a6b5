// The office's filters in the address: read back as the API's query, changed, cleared, exported.
import { describe, expect, it } from 'vitest';
import { changeParams, clearFilters, exportHref, readListView } from './filters';

const read = (search: string) => readListView(new URLSearchParams(search), 20);

describe('list filters kept in the address', () => {
  it('reads every filter the list API takes', () => {
    const view = read('list=supervision&policyId=p1&areaId=a1&departmentId=sc-health&rag=red&level=3&overdue=true&q=%20医保%20&sort=deadline&order=asc&page=2');
    expect(view.list).toBe('supervision');
    expect(view.query).toEqual({ policyId: 'p1', areaId: 'a1', departmentId: 'sc-health', rag: 'red', level: 3, overdue: true, q: '医保', sort: 'deadline', order: 'asc', page: 2, pageSize: 20 });
    expect(view.active).toBe(7);
  });

  it('ignores what the API would refuse instead of sending it', () => {
    const view = read('list=nonsense&rag=blue&level=9&overdue=maybe&sort=x&page=-3&q=%20');
    expect(view.list).toBe('responsibility');
    expect(view.query).toEqual({ page: 1, pageSize: 20 });
    expect(view.active).toBe(0);
    expect(read('level=0&overdue=false').query).toMatchObject({ level: 0, overdue: false });
  });

  it('goes back to page 1 on any change but the page, and clears filters but keeps the tab', () => {
    const params = new URLSearchParams('list=closure&rag=red&page=3');
    expect(changeParams(params, { level: 2 }).toString()).toBe('list=closure&rag=red&level=2');
    expect(changeParams(params, { page: 4 }).toString()).toBe('list=closure&rag=red&page=4');
    expect(changeParams(params, { rag: undefined }).toString()).toBe('list=closure');
    expect(clearFilters(new URLSearchParams('list=closure&rag=red&q=x&level=1&sort=rag&order=asc')).toString()).toBe('list=closure');
  });

  it('exports what is on screen: the same list and filters, without page or sort', () => {
    expect(exportHref(read('list=supervision&rag=red&overdue=true&page=2&sort=rag'))).toBe('/api/exports/lists/supervision?rag=red&overdue=true');
    expect(exportHref(read(''))).toBe('/api/exports/lists/responsibility');
    expect(exportHref(read('q=a%26b'))).toBe('/api/exports/lists/responsibility?q=a%26b');
  });
});
