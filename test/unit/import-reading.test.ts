// Reading what offices write above and in their lists: the title row among annex labels, notes,
// dates and placeholders; the fingerprint that recognises the same package; department names.
import { describe, expect, it } from 'vitest';
import { similarNames } from '../../db/queries/departments.js';
import { isPlaceholder, titleFromRows } from '../../api/excel/title.js';
import { fingerprintOf, type ImportRow } from '../../api/routes/import/prepare.js';

const rows = (...texts: string[]) => texts.map((text, i) => ({ row: i + 1, text }));

describe('the title above the header', () => {
  it('is what stands in 《…》, past annex labels, notes and dates', () => {
    expect(titleFromRows(rows('附件1', '《加快培育新质生产力的若干措施》责任分工清单'))).toEqual({ text: '加快培育新质生产力的若干措施', row: 2, written: '《加快培育新质生产力的若干措施》责任分工清单' });
    expect(titleFromRows(rows('附件 2：', '注：本表由市医改办汇总', '2026年5月20日', '关于印发《医疗服务改善行动方案》的通知 重点任务'))?.text).toBe('医疗服务改善行动方案');
    // A bare line, its 清单 ending dropped, when there is no 《…》.
    expect(titleFromRows(rows('附件一', '市深化医改重点任务分工清单'))?.text).toBe('市深化医改');
    expect(titleFromRows(rows('（2026年5月）', '关于进一步改善医疗服务的实施方案责任分工表'))?.text).toBe('关于进一步改善医疗服务的实施方案');
  });

  it('is never a placeholder, an annex label or a note: then there is none', () => {
    expect(titleFromRows(rows('附件1'))).toBeNull();
    expect(titleFromRows(rows('《（政策文件名称）》责任分工清单'))).toBeNull();
    expect(titleFromRows(rows('附件1', '《××市关于××的若干措施》'))).toBeNull();
    expect(titleFromRows(rows('说明：各单位于每月5日前报送', '填表日期：2026年5月'))).toBeNull();
    expect(titleFromRows([])).toBeNull();
  });

  it('knows a placeholder from a title', () => {
    for (const p of ['（政策文件名称）', '(文件标题)', '【请填写文件名称】', 'XXX若干措施', '××', '标题', '政策文件名称', '   ']) expect([p, isPlaceholder(p)]).toEqual([p, true]);
    for (const t of ['关于促进卫生健康科技创新的若干措施', '另一个标题', '2026年（第二批）重点任务']) expect([t, isPlaceholder(t)]).toEqual([t, false]);
  });
});

describe('the fingerprint of a package', () => {
  const row = (over: Partial<ImportRow> = {}): ImportRow => ({ row: 1, seq: '1', area: '一、方面', measure: '推进工作。', lead: '市财政局', cooperating: '市人社局、市医保局', deadline: '2027年底前', target: '', ...over });

  it('is the same for the same content however it is laid out or sent', () => {
    const a = fingerprintOf([row()]);
    // Full-width 序号, another separator and order of 配合单位, wrapped text, a numbered or plain 方面, JSON's array.
    expect(fingerprintOf([row({ seq: '１', cooperating: '市医保局；市人社局', measure: '推进\n工作。', area: '方面', row: 7 })])).toBe(a);
    expect(fingerprintOf([row({ cooperating: ['市人社局', '市医保局'] })])).toBe(a);
    expect(a).toMatch(/^v1:[0-9a-f]{64}$/);
  });

  it('differs when a measure does', () => {
    const a = fingerprintOf([row()]);
    for (const changed of [row({ deadline: '2028年底前' }), row({ lead: '市人社局' }), row({ measure: '推进另一项工作。' }), row({ target: '完成' })]) expect(fingerprintOf([changed])).not.toBe(a);
    expect(fingerprintOf([row(), row({ seq: '2' })])).not.toBe(a);
  });
});

describe('similar department names', () => {
  it('suggests a known department a name looks like', () => {
    const known = [
      { id: 'health', name: '市卫生健康委员会', shortName: '市卫生健康委' },
      { id: 'finance', name: '市财政局', shortName: null },
    ];
    expect(similarNames('市卫生健康委员', known)).toEqual(['市卫生健康委']);
    expect(similarNames('财政局', known)).toEqual(['市财政局']);
    expect(similarNames('市数据局', known)).toEqual([]);
  });
});
