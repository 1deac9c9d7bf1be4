// @ts-check
// Unsent ticket text (工单草稿), kept per call in this browser's localStorage: the next call's
// pop, a reload or a crash of the page loses none of it. Drafts are the operator's own (the key
// carries the username) and go when the ticket is submitted or the form is cleared.

/** Beyond this many, the oldest drafts go: a shift's worth, not a second ticket store. */
const MAX_DRAFTS = 30;

/**
 * @typedef {object} Draft
 * @property {string} caller
 * @property {string} type
 * @property {string} department
 * @property {string} classification
 * @property {string} content
 * @property {boolean} confidential
 * @property {string} call_id
 * @property {string} origin_hotline
 * @property {number} saved_ms
 */

export class Drafts {
  /** @param {string} owner */
  constructor(owner) {
    this.key = `cti.desktop.drafts.${owner}`;
  }

  /** @returns {Record<string, Draft>} */
  all() {
    try {
      const parsed = JSON.parse(localStorage.getItem(this.key) ?? '{}');
      return parsed && typeof parsed === 'object' ? parsed : {};
    } catch {
      return {};
    }
  }

  /** @param {string} id the call id, or '' for a ticket without a call */
  get(id) {
    return this.all()[id] ?? null;
  }

  /**
   * @param {string} id
   * @param {Draft} draft
   */
  put(id, draft) {
    const all = this.all();
    all[id] = draft;
    const ids = Object.keys(all).sort((a, b) => (all[a]?.saved_ms ?? 0) - (all[b]?.saved_ms ?? 0));
    for (const old of ids.slice(0, Math.max(0, ids.length - MAX_DRAFTS))) delete all[old];
    this.write(all);
  }

  /** @param {string} id */
  remove(id) {
    const all = this.all();
    if (!(id in all)) return;
    delete all[id];
    this.write(all);
  }

  /** @param {Record<string, Draft>} all */
  write(all) {
    try {
      localStorage.setItem(this.key, JSON.stringify(all));
    } catch {
      // storage full or refused: the draft stays on screen, only a reload would lose it
    }
  }
}
