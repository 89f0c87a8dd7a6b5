// The policy's title, as offices head their lists: "附件1" on the first row, then "《加快培育…若干
// 措施》责任分工清单", perhaps a line of notes or a date. The title is what stands in 《…》; without
// 《…》, the first row that is neither an annex label, a note, a date nor a placeholder. A template's
// placeholder ("（政策文件名称）", "××市…") is never a title: then the office is asked for one.

export interface SheetTitle {
  /** The policy's title: 加快培育新质生产力全面激发卫生健康发展新动能的若干措施. */
  text: string;
  /** The sheet row it was read from. */
  row: number;
  /** The row as written: 《…》责任分工清单. */
  written: string;
}

/** 附件1, 附件 2：, 附件一 — the label an annex carries, never a title. */
const ANNEX = /^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?$/;
/** 注：…, 说明：…, 填表人：…, 单位（盖章）：… — notes above the header. */
const NOTE = /^(?:注|说明|备注|附注|填表|填报|制表|报送|联系人|联系电话|单位|日期)/;
/** 2025年5月20日, （2025年5月）, 2025-05-20: a date line. */
const DATE_LINE = /^[（(]?\d{4}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[-./]\d{1,2}(?:[-./]\d{1,2})?)[）)]?$/;

/** A template's stand-in, not a title: wholly in brackets, ×× or XX, or asking to be filled in. */
export function isPlaceholder(text: string): boolean {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  if (t === '') return true;
  if (/^[([【〔<{].*[)\]】〕>}]$/.test(t)) return true;
  if (/[×xX*＊○□]{2,}/.test(t)) return true;
  return /请填写|在此填写/.test(t) || /^(?:政策)?(?:文件)?(?:名称|标题)$/.test(t);
}

/** "《…》责任分工清单" → "…"; "…责任分工表" → "…". */
function titleOfLine(line: string): string | undefined {
  const quoted = [...line.matchAll(/《([^》]+)》/g)].map((m) => m[1]!.trim()).find((q) => !isPlaceholder(q));
  if (quoted) return quoted;
  if (/《[^》]*》/.test(line)) return undefined; // only placeholders in 《…》
  const bare = line
    .replace(/(?:(?:重点)?(?:工作)?任务|责任|三张)?(?:分工)?(?:清单|分工表|一览表)$/, '')
    .replace(/^关于印发/, '')
    .trim();
  return bare && !isPlaceholder(bare) ? bare : undefined;
}

/** The title among the rows above the header, or null when there is none to take. */
export function titleFromRows(rows: Array<{ row: number; text: string }>): SheetTitle | null {
  const candidates = rows.filter((r) => {
    const t = r.text.normalize('NFKC').trim();
    return !ANNEX.test(t) && !NOTE.test(t) && !DATE_LINE.test(t);
  });
  // A 《…》 anywhere wins over a bare first line (which may be a heading such as 重点任务分工).
  for (const r of [...candidates.filter((c) => /《[^》]+》/.test(c.text)), ...candidates]) {
    const text = titleOfLine(r.text);
    if (text) return { text: [...text].slice(0, 300).join(''), row: r.row, written: r.text };
    if (/《[^》]*》/.test(r.text)) return null; // 《（政策文件名称）》: the template, untouched
  }
  return null;
}
