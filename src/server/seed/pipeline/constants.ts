/** The numbers of the source document, and the platform settings the demo follows. */

/** Contracted projects per year, 2017–2022 (600余个; 2022: 30余个 through the new platform). */
export const HISTORY_COUNTS: Record<number, number> = {
  2017: 78,
  2018: 104,
  2019: 126,
  2020: 128,
  2021: 140,
  2022: 32,
};
export const HISTORY_PROJECTS = Object.values(HISTORY_COUNTS).reduce((a, b) => a + b, 0);
/** 2022 alone: 590余万元. */
export const HISTORY_2022_YUAN = 5_927_400;
/** 2017–2022: 8200多万元. */
export const HISTORY_TOTAL_YUAN = 82_346_000;
/** From 2023 on, about this many contracted projects a year. */
export const RECENT_PER_YEAR = 30;
/** Score sheets are stored for calls of this year and later. */
export const SHEETS_FROM_YEAR = 2022;

export const PANEL_SIZE = 5;
export const PUBLICITY_DAYS = 5;
export const MIN_OPEN_DAYS = 7;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const CHINESE_ORDINALS = [
  '一',
  '二',
  '三',
  '四',
  '五',
  '六',
  '七',
  '八',
  '九',
  '十',
  '十一',
  '十二',
  '十三',
];
