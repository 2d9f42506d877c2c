/**
 * Mainland China's public holidays and adjusted working days (放假调休安排), as a plain table.
 *
 * `off` is the whole closed range announced by the State Council (weekends inside it included);
 * `workdays` are the weekend days that become working days (调休上班). Every other Saturday and
 * Sunday is a day off, every other weekday a working day (see working-days.ts).
 *
 * Sources, checked against the published texts (新华社 reprints of both notices):
 * - 2025: 《国务院办公厅关于2025年部分节假日安排的通知》国办发明电〔2024〕12号, 2024-11-12.
 * - 2026: 《国务院办公厅关于2026年部分节假日安排的通知》, issued 2025-11-04. The dates below
 *   match the notice's text; its document number (文号) was not verified here, hence not quoted.
 * Nothing is known of 2027 yet: the notice usually appears in November of the year before.
 *
 * A deployment extends or corrects this table without code: put a JSON file at
 * `DATA_DIR/holidays.json`, read at start (see `holidayFile` in working-days.ts):
 *
 *   { "replace": false,
 *     "arrangements": [
 *       { "year": 2027, "name": "元旦", "off": { "from": "2027-01-01", "to": "2027-01-03" }, "workdays": [] } ] }
 *
 * An entry with the same year and name as one below replaces it; new ones are added;
 * `"replace": true` drops this whole table and uses only the file.
 */
export interface HolidayArrangement {
  year: number;
  name: string;
  off: { from: string; to: string };
  workdays: string[];
}

export const CN_HOLIDAYS: readonly HolidayArrangement[] = [
  // ---- 2025 (国办发明电〔2024〕12号) ----
  { year: 2025, name: '元旦', off: { from: '2025-01-01', to: '2025-01-01' }, workdays: [] },
  {
    year: 2025,
    name: '春节',
    off: { from: '2025-01-28', to: '2025-02-04' },
    workdays: ['2025-01-26', '2025-02-08'],
  },
  { year: 2025, name: '清明节', off: { from: '2025-04-04', to: '2025-04-06' }, workdays: [] },
  { year: 2025, name: '劳动节', off: { from: '2025-05-01', to: '2025-05-05' }, workdays: ['2025-04-27'] },
  { year: 2025, name: '端午节', off: { from: '2025-05-31', to: '2025-06-02' }, workdays: [] },
  {
    year: 2025,
    name: '国庆节、中秋节',
    off: { from: '2025-10-01', to: '2025-10-08' },
    workdays: ['2025-09-28', '2025-10-11'],
  },
  // ---- 2026 (notice of 2025-11-04) ----
  { year: 2026, name: '元旦', off: { from: '2026-01-01', to: '2026-01-03' }, workdays: ['2026-01-04'] },
  {
    year: 2026,
    name: '春节',
    off: { from: '2026-02-15', to: '2026-02-23' },
    workdays: ['2026-02-14', '2026-02-28'],
  },
  { year: 2026, name: '清明节', off: { from: '2026-04-04', to: '2026-04-06' }, workdays: [] },
  { year: 2026, name: '劳动节', off: { from: '2026-05-01', to: '2026-05-05' }, workdays: ['2026-05-09'] },
  { year: 2026, name: '端午节', off: { from: '2026-06-19', to: '2026-06-21' }, workdays: [] },
  { year: 2026, name: '中秋节', off: { from: '2026-09-25', to: '2026-09-27' }, workdays: [] },
  {
    year: 2026,
    name: '国庆节',
    off: { from: '2026-10-01', to: '2026-10-07' },
    workdays: ['2026-09-20', '2026-10-10'],
  },
];
