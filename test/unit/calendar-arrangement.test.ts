import { describe, expect, it } from 'vitest';
import { arrangementDays, checkArrangement, nextYearWarning, readNotice } from '../../common/calendar-arrangement.js';

// The 2026 notice (国办发明电〔2025〕7号) as published, one festival per line.
const NOTICE_2026 = `国务院办公厅关于2026年部分节假日安排的通知
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。`;

describe('readNotice', () => {
  it('reads the 2026 notice into ranges and make-up days, the same days as the holiday package', async () => {
    const { arrangement, problems } = readNotice(2026, NOTICE_2026);
    expect(problems).toEqual([]);
    expect(arrangement.holidays).toHaveLength(7);
    expect(arrangement.holidays[1]).toEqual({ from: '2026-02-15', to: '2026-02-23', name: '春节', totalDays: 9 });
    expect(arrangement.makeupDays.map((m) => m.day)).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(arrangement.makeupDays[0]!.name).toBe('元旦调休上班');
    // The package (chinese-days) lists the same 2026 arrangement: reading the notice agrees with it.
    const { packageCalendarDays } = await import('../../db/calendar-seed.js');
    const fromPackage = packageCalendarDays().filter((d) => d.day.startsWith('2026-'));
    expect(arrangementDays(arrangement).map((d) => `${d.day} ${d.kind}`)).toEqual(fromPackage.map((d) => `${d.day} ${d.kind}`));
  });

  it('reads the lines the brief quotes, full-width digits, a range across months and a single day', () => {
    const { arrangement, problems } = readNotice(2027, '1月1日至3日放假调休，共3天\n2月7日（星期日）上班\n劳动节：４月３０日至５月４日放假，共5天\n清明节：4月5日放假');
    expect(problems).toEqual([]);
    expect(arrangement.holidays).toEqual([
      { from: '2027-01-01', to: '2027-01-03', name: null, totalDays: 3 },
      { from: '2027-04-30', to: '2027-05-04', name: '劳动节', totalDays: 5 },
      { from: '2027-04-05', to: '2027-04-05', name: '清明节' },
    ]);
    expect(arrangement.makeupDays).toEqual([{ day: '2027-02-07', name: '调休上班' }]);
  });

  it('names the line of every problem', () => {
    const { problems } = readNotice(
      2027,
      ['元旦：1月1日至3日放假调休，共4天。', '春节：2月2日（星期二）上班。', '这一行有1月5日但没说什么', '国庆节：2028年1月1日至2日放假', '端午节：6月31日放假', '清明节：放假调休'].join('\n'),
    );
    // Reading problems come first (a line not understood, no such date): the rest waits for them.
    expect(problems.map((p) => p.row)).toEqual([3, 5, 6]);
    const checked = readNotice(2027, ['元旦：1月1日至3日放假调休，共4天。', '春节：2月2日（星期二）上班。', '国庆节：2028年1月1日至2日放假', '元旦：1月2日至4日放假'].join('\n')).problems;
    expect(checked.map((p) => [p.field, p.row])).toEqual([
      ['notice', 1],
      ['notice', 3],
      ['notice', 4],
      ['notice', 2],
    ]);
    expect(checked[0]!.message).toContain('共3天');
    expect(checked[1]!.message).toContain('不在2027年内');
    expect(checked[2]!.message).toContain('重叠');
    expect(checked[3]!.message).toMatch(/第2行：调休上班日2027-02-02是星期二/);
  });
});

describe('checkArrangement', () => {
  it('accepts a sound arrangement and names each field of an unsound one', () => {
    expect(checkArrangement(2027, { holidays: [{ from: '2027-01-01', to: '2027-01-03', name: '元旦' }], makeupDays: [{ day: '2027-02-07', name: null }] })).toEqual([]);
    const problems = checkArrangement(2027, {
      holidays: [
        { from: '2027-01-01', to: '2027-01-03', name: '元旦' },
        { from: '2027-01-03', to: '2027-01-04', name: null },
        { from: '2027-05-05', to: '2027-05-01', name: null },
        { from: '2026-12-31', to: '2027-01-01', name: null },
      ],
      makeupDays: [
        { day: '2027-02-08', name: null },
        { day: '2027-01-02', name: null },
        { day: '2027-02-30', name: null },
      ],
    });
    expect(problems.map((p) => p.field)).toEqual(['holidays.1.from', 'holidays.2.to', 'holidays.3.from', 'makeupDays.0.day', 'makeupDays.1.day', 'makeupDays.2.day']);
  });
});

describe('nextYearWarning', () => {
  it('warns from 1 November (Shanghai) when next year is unknown', () => {
    expect(nextYearWarning(new Date('2026-10-31T15:59:59Z'), [2026])).toBeNull();
    expect(nextYearWarning(new Date('2026-10-31T16:00:00Z'), [2026])).toMatchObject({ year: 2027 });
    expect(nextYearWarning(new Date('2026-11-20T00:00:00Z'), [2026, 2027])).toBeNull();
    expect(nextYearWarning(new Date('2026-12-31T12:00:00Z'), [2026])!.message).toContain('2027');
  });
});
