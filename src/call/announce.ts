// Spoken numbers for queue announcements, from the digit prompts (digit-0 … digit-10):
// 7 → 七, 10 → 十, 15 → 十五, 20 → 二十, 23 → 二十三. Numbers above 99 are said as 99:
// past that the exact count tells a caller nothing more.
import { prompt } from './step.js';

export function chineseNumber(n: number): string[] {
  const v = Math.max(0, Math.min(99, Math.round(n)));
  if (v <= 10) return [`digit-${v}`];
  const tens = Math.floor(v / 10);
  const ones = v % 10;
  return [...(tens > 1 ? [`digit-${tens}`] : []), 'digit-10', ...(ones > 0 ? [`digit-${ones}`] : [])];
}

/** "您前面还有 N 位来电在等候。预计等待 M 分钟。" as one file_string. */
export function queueAnnouncement(ahead: number, waitS: number): string {
  const minutes = Math.max(1, Math.ceil(waitS / 60));
  const names = ['queue-ahead', ...chineseNumber(ahead), 'queue-callers', 'queue-wait', ...chineseNumber(minutes), 'queue-minutes'];
  return `file_string://${names.map(prompt).join('!')}`;
}
