// Hangup causes as FreeSWITCH names and numbers them: CAUSE_CHART in switch_channel.c and
// switch_call_cause_t in switch_types.h. Names travel in Hangup-Cause and in -ERR replies,
// numbers in hangup_cause_q850, so both directions must agree with the switch.

const CAUSES: ReadonlyArray<readonly [string, number]> = [
  ['NONE', 0],
  ['UNALLOCATED_NUMBER', 1],
  ['NO_ROUTE_TRANSIT_NET', 2],
  ['NO_ROUTE_DESTINATION', 3],
  ['CHANNEL_UNACCEPTABLE', 6],
  ['CALL_AWARDED_DELIVERED', 7],
  ['NORMAL_CLEARING', 16],
  ['USER_BUSY', 17],
  ['NO_USER_RESPONSE', 18],
  ['NO_ANSWER', 19],
  ['SUBSCRIBER_ABSENT', 20],
  ['CALL_REJECTED', 21],
  ['NUMBER_CHANGED', 22],
  ['REDIRECTION_TO_NEW_DESTINATION', 23],
  ['EXCHANGE_ROUTING_ERROR', 25],
  ['DESTINATION_OUT_OF_ORDER', 27],
  ['INVALID_NUMBER_FORMAT', 28],
  ['FACILITY_REJECTED', 29],
  ['RESPONSE_TO_STATUS_ENQUIRY', 30],
  ['NORMAL_UNSPECIFIED', 31],
  ['NORMAL_CIRCUIT_CONGESTION', 34],
  ['NETWORK_OUT_OF_ORDER', 38],
  ['NORMAL_TEMPORARY_FAILURE', 41],
  ['SWITCH_CONGESTION', 42],
  ['ACCESS_INFO_DISCARDED', 43],
  ['REQUESTED_CHAN_UNAVAIL', 44],
  ['PRE_EMPTED', 45],
  ['FACILITY_NOT_SUBSCRIBED', 50],
  ['OUTGOING_CALL_BARRED', 52],
  ['INCOMING_CALL_BARRED', 54],
  ['BEARERCAPABILITY_NOTAUTH', 57],
  ['BEARERCAPABILITY_NOTAVAIL', 58],
  ['SERVICE_UNAVAILABLE', 63],
  ['BEARERCAPABILITY_NOTIMPL', 65],
  ['CHAN_NOT_IMPLEMENTED', 66],
  ['FACILITY_NOT_IMPLEMENTED', 69],
  ['SERVICE_NOT_IMPLEMENTED', 79],
  ['INVALID_CALL_REFERENCE', 81],
  ['INCOMPATIBLE_DESTINATION', 88],
  ['INVALID_MSG_UNSPECIFIED', 95],
  ['MANDATORY_IE_MISSING', 96],
  ['MESSAGE_TYPE_NONEXIST', 97],
  ['WRONG_MESSAGE', 98],
  ['IE_NONEXIST', 99],
  ['INVALID_IE_CONTENTS', 100],
  ['WRONG_CALL_STATE', 101],
  ['RECOVERY_ON_TIMER_EXPIRE', 102],
  ['MANDATORY_IE_LENGTH_ERROR', 103],
  ['PROTOCOL_ERROR', 111],
  ['INTERWORKING', 127],
  ['SUCCESS', 142],
  ['ORIGINATOR_CANCEL', 487],
  ['CRASH', 700],
  ['SYSTEM_SHUTDOWN', 701],
  ['LOSE_RACE', 702],
  ['MANAGER_REQUEST', 703],
  ['BLIND_TRANSFER', 800],
  ['ATTENDED_TRANSFER', 801],
  ['ALLOTTED_TIMEOUT', 802],
  ['USER_CHALLENGE', 803],
  ['MEDIA_TIMEOUT', 804],
  ['PICKED_OFF', 805],
  ['USER_NOT_REGISTERED', 806],
  ['PROGRESS_TIMEOUT', 807],
  ['INVALID_GATEWAY', 808],
  ['GATEWAY_DOWN', 809],
  ['INVALID_URL', 810],
  ['INVALID_PROFILE', 811],
  ['NO_PICKUP', 812],
  ['SRTP_READ_ERROR', 813],
  ['BOWOUT', 814],
  ['BUSY_EVERYWHERE', 815],
  ['DECLINE', 816],
  ['DOES_NOT_EXIST_ANYWHERE', 817],
  ['NOT_ACCEPTABLE', 818],
  ['UNWANTED', 819],
  ['NO_IDENTITY', 820],
  ['BAD_IDENTITY_INFO', 821],
  ['UNSUPPORTED_CERTIFICATE', 822],
  ['INVALID_IDENTITY', 823],
  ['STALE_DATE', 824],
  ['REJECT_ALL', 825],
];

const BY_NAME = new Map(CAUSES.map(([name, code]) => [name, code]));
const BY_CODE = new Map(CAUSES.map(([name, code]) => [code, name]));

/** A cause name FreeSWITCH knows (upper case, as in CAUSE_CHART). */
export type CauseName = string;

/** switch_channel_cause2str: the chart name, or "UNKNOWN" for a number it does not list. */
export function causeName(code: number): CauseName {
  return BY_CODE.get(code) ?? 'UNKNOWN';
}

export function causeCode(name: CauseName): number {
  return BY_NAME.get(name) ?? 0;
}

/**
 * switch_channel_str2cause: a leading digit means a number (atoi), otherwise the chart name
 * ignoring case; anything else (and nothing) is NORMAL_CLEARING, never an error.
 */
export function parseCause(text: string | undefined): CauseName {
  if (!text) return 'NORMAL_CLEARING';
  if (/^[0-9]/.test(text)) return causeName(Number.parseInt(text, 10));
  const upper = text.toUpperCase();
  return BY_NAME.has(upper) ? upper : 'NORMAL_CLEARING';
}

/** switch_channel_cause_q850: codes above INTERWORKING (127) are reported as NORMAL_CLEARING (16). */
export function q850(name: CauseName): number {
  const code = causeCode(name);
  return code <= 127 ? code : 16;
}

/** Whether a cause (name or number) is in a comma-separated list, as switch_channel_handle_cause compares. */
export function causeInList(name: CauseName, list: string): boolean {
  const code = String(causeCode(name));
  return list.split(',').some((item) => item.trim().toUpperCase() === name || item.trim() === code);
}

/** DIALSTATUS FreeSWITCH sets on the caller after an originate (switch_ivr_originate.c, end of switch_ivr_originate). */
export function dialStatus(name: CauseName): string {
  switch (name) {
    case 'ORIGINATOR_CANCEL':
      return 'CANCEL';
    case 'USER_BUSY':
      return 'BUSY';
    case 'NO_ANSWER':
      return 'NOANSWER';
    case 'DESTINATION_OUT_OF_ORDER':
    case 'INVALID_PROFILE':
      return 'INVALIDARGS';
    case 'CALL_REJECTED':
      return 'DONTCALL';
    default:
      return name;
  }
}
