// @ts-check
// What the desk shows of the seat's call and which actions it allows, from the switch's truth:
// the seat's state (the ACD, fed by the switch's events) and the talk's phase (the controller's
// talk, over the live feed). A seat that still rings has no talk yet: nothing to hold or
// transfer (the server answers such requests 404).

/**
 * @typedef {object} DeskPhase
 * @property {string} title what the pop's heading says
 * @property {boolean} canHold
 * @property {boolean} canTransfer a new transfer may start (one in progress has its own buttons)
 */

/** @type {Record<string, string>} */
const TALK_TITLES = {
  talking: '通话中',
  held: '保持中（来电方听等待音乐）',
  ringing: '转接中（部门振铃）',
  consulting: '与部门咨询中',
  three_way: '三方通话中',
  handed_over: '已转出',
  over: '已结束',
};

/**
 * @param {string | null} seatState the seat's state (available, ringing, on_call, wrap_up, …)
 * @param {string | null} talkPhase the talk's phase as last heard (null: none heard for this call)
 * @returns {DeskPhase}
 */
export function deskPhase(seatState, talkPhase) {
  if (seatState === 'ringing') return { title: '振铃中（请在软电话上接听）', canHold: false, canTransfer: false };
  if (seatState !== 'on_call') return { title: seatState === 'wrap_up' ? '已结束 · 话后整理' : '已结束', canHold: false, canTransfer: false };
  const phase = talkPhase ?? 'talking';
  const withCaller = phase === 'talking' || phase === 'held';
  return { title: TALK_TITLES[phase] ?? '通话中', canHold: withCaller, canTransfer: withCaller };
}
