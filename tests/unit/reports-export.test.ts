import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ReportSchema, type Figures, type Report } from '../../shared/reports/report';
import { reportSections } from '../../shared/reports/table';
import { reportToCsv, reportToXlsx } from '../../server/store/reportsExport';

function figures(issued: number, rate: number | null): Figures {
  return {
    issued,
    served: issued,
    notDone: 0,
    needsMaterial: 0,
    noShow: 0,
    cancelled: 0,
    unfinished: 0,
    transferred: 0,
    byChannel: { kiosk: issued, idcard: 0, appointment: 0, assisted: 0 },
    byPriority: { green: 0, appointment: 0, special: 0, normal: issued },
    waited: issued,
    waitMedianMin: 12.5,
    waitP90Min: 30,
    timed: issued,
    serviceMedianMin: 8,
    serviceP90Min: null,
    rated: 2,
    satisfied: 1,
    bad: 1,
    satisfactionRate: rate,
    levels: { '1': 1, '2': 0, '3': 0, '4': 0, '5': 1 },
  };
}

const report: Report = ReportSchema.parse({
  hall: 'hall-1',
  from: '2026-11-23',
  to: '2026-11-23',
  groupBy: 'service',
  timeZone: 'Asia/Shanghai',
  days: 1,
  openDays: 1,
  generatedAt: 0,
  totals: figures(3, 0.5),
  groups: [
    // Names an admin typed: a comma and quotes, and one that looks like a formula.
    { key: 'a', label: { zh: '户籍, "加急"', en: 'Hukou <fast> & more' }, ...figures(2, 0.5) },
    { key: 'b', label: { zh: '=HYPERLINK("x")', en: '-b' }, ...figures(1, null) },
  ],
  topServices: [{ rank: 1, serviceId: 'a', label: null, issued: 2, served: 2 }],
  hourly: Array.from({ length: 24 }, (_, hour) => ({ hour, issued: hour === 9 ? 3 : 0, avgPerDay: hour === 9 ? 3 : 0 })),
  daily: [{ day: '2026-11-23', issued: 3, served: 3, noShow: 0, waitMedianMin: 12.5, rated: 2, satisfactionRate: 0.5 }],
  ratingReasons: [],
});

/** Entries of a zip, checking each one's CRC-32 and sizes against its central directory record. */
function unzip(buf: Buffer): Map<string, string> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBe(buf.length - 22);
  const out = new Map<string, string>();
  let p = buf.readUInt32LE(end + 16);
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    const nameLen = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    expect(buf.readUInt32LE(local)).toBe(0x04034b50);
    const at = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = inflateRawSync(buf.subarray(at, at + buf.readUInt32LE(p + 20)));
    expect(data.length).toBe(buf.readUInt32LE(p + 24));
    expect(crc32(data)).toBe(buf.readUInt32LE(p + 16));
    out.set(buf.toString('utf8', p + 46, p + 46 + nameLen), data.toString('utf8'));
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

describe('report exports', () => {
  it('CSV: a BOM, CRLF lines, quoting of commas and quotes, no formulas from typed names, empty for no value', () => {
    const csv = reportToCsv(report);
    expect(csv.startsWith('\uFEFF概况 Summary\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toContain('大厅 Hall,hall-1');
    const a = lines.find((l) => l.startsWith('a,'))!;
    expect(a.startsWith('a,"户籍, ""加急""",Hukou <fast> & more,2,2,')).toBe(true);
    const b = lines.find((l) => l.startsWith('b,'))!;
    expect(b.startsWith(`b,"'=HYPERLINK(""x"")",'-b,1,`)).toBe(true);
    // serviceP90Min and satisfactionRate are null: empty cells.
    expect(b).toContain(',12.5,30,1,8,,2,1,1,,1,0,0,0,1');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('every table has as many cells per row as it has columns', () => {
    for (const s of reportSections(report)) for (const row of s.rows) expect(row, s.id).toHaveLength(s.columns.length);
  });

  it('XLSX: a zip with valid CRCs, a sheet per table, names escaped and safe for Excel', () => {
    const files = unzip(reportToXlsx(report));
    expect([...files.keys()]).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      ...[1, 2, 3, 4, 5, 6].map((i) => `xl/worksheets/sheet${i}.xml`),
    ]);
    const workbook = files.get('xl/workbook.xml')!;
    expect(workbook).toContain('<sheet name="概况 Summary" sheetId="1" r:id="rId1"/>');
    expect(workbook).toContain('<sheet name="高频事项排行 Services by volume" sheetId="3" r:id="rId3"/>');
    const groups = files.get('xl/worksheets/sheet2.xml')!;
    expect(groups).toContain('<t xml:space="preserve">Hukou &lt;fast&gt; &amp; more</t>');
    expect(groups).toContain('<c r="A1" s="1" t="inlineStr"><is><t xml:space="preserve">业务编号 Service id</t></is></c>');
    expect(groups).toContain('<c r="U2" s="3"><v>12.5</v></c>'); // wait median, two decimals
    expect(groups).toContain('<c r="AC2" s="2"><v>0.5</v></c>'); // satisfaction rate, a percent
    expect(groups).not.toContain('r="AC3"'); // no rate: an empty cell
    expect(files.get('[Content_Types].xml')).toContain('/xl/worksheets/sheet6.xml');
  });
});
