// One catalog of the project's named errors, in the manner of fastify's lib/errors.js:
// each code has a fixed meaning and a plain message, so logs, API bodies and CLI output
// can be searched by code. HTTP status is given where the error can reach a client.

export interface ErrorSpec {
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

const spec = (code: string, status: number, message: string): ErrorSpec => ({ code, status, message });

export const ErrorCodes = {
  // configuration (config/*.yaml)
  CONFIG_FILE_MISSING: spec('CTI_CONFIG_FILE_MISSING', 500, 'configuration file is missing'),
  CONFIG_YAML_SYNTAX: spec('CTI_CONFIG_YAML_SYNTAX', 500, 'configuration file is not valid YAML'),
  CONFIG_INVALID: spec('CTI_CONFIG_INVALID', 500, 'configuration does not match its schema'),
  // calendar
  CALENDAR_NO_DATA: spec('CTI_CALENDAR_NO_DATA', 500, 'no holiday data for this year'),
  CALENDAR_BAD_INPUT: spec('CTI_CALENDAR_BAD_INPUT', 400, 'not a valid date, instant or day count'),
  // HTTP
  HTTP_NOT_FOUND: spec('CTI_NOT_FOUND', 404, 'no such resource'),
  HTTP_BAD_REQUEST: spec('CTI_BAD_REQUEST', 400, 'the request is not valid'),
  HTTP_RATE_LIMITED: spec('CTI_RATE_LIMITED', 429, '请求过于频繁，请稍后再试'),
  // ACD (agents and queues)
  ACD_NO_SUCH_AGENT: spec('CTI_ACD_NO_SUCH_AGENT', 404, 'no such seat in routing.yaml'),
  ACD_BAD_STATE: spec('CTI_ACD_BAD_STATE', 409, 'the agent cannot do this in the current state'),
  // tickets
  TICKET_NOT_FOUND: spec('CTI_TICKET_NOT_FOUND', 404, 'no such ticket'),
  TICKET_BAD_INPUT: spec('CTI_TICKET_BAD_INPUT', 400, 'the ticket data is not valid'),
  TICKET_ILLEGAL_TRANSITION: spec('CTI_TICKET_ILLEGAL_TRANSITION', 409, "this action is not possible in the ticket's current state"),
  TICKET_VERSION_CONFLICT: spec('CTI_TICKET_VERSION_CONFLICT', 409, 'someone else changed the ticket first; reload it and try again'),
  TICKET_FORBIDDEN: spec('CTI_TICKET_FORBIDDEN', 403, 'this ticket belongs to another department or needs another role'),
  // ticket attachments; messages people read are Chinese
  ATTACHMENT_TYPE: spec('CTI_ATTACHMENT_TYPE', 415, '附件的实际内容不是所声明的类型，或不是允许上传的类型'),
  ATTACHMENT_QUOTA: spec('CTI_ATTACHMENT_QUOTA', 413, '附件数量或总大小已达上限'),
  // SMS outbox (src/channels/sms)
  SMS_BAD_MESSAGE: spec('CTI_SMS_BAD_MESSAGE', 400, 'the SMS is not valid (number, text, kind or dedupe key)'),
  SMS_NOT_CONFIGURED: spec('CTI_SMS_NOT_CONFIGURED', 503, '未配置短信网关 (no SMS gateway configured)'),
  SMS_GATEWAY_UNREACHABLE: spec('CTI_SMS_GATEWAY_UNREACHABLE', 502, 'the SMS gateway could not be reached or did not answer in time'),
  SMS_GATEWAY_REFUSED: spec('CTI_SMS_GATEWAY_REFUSED', 502, 'the SMS gateway answered with an error status'),
  // users, sessions and roles (src/auth); messages people read are Chinese
  AUTH_FAILED: spec('CTI_AUTH_FAILED', 401, '用户名或密码错误'),
  AUTH_REQUIRED: spec('CTI_AUTH_REQUIRED', 401, '请先登录（缺少或无效的令牌，或登录已过期）'),
  AUTH_LOCKED: spec('CTI_AUTH_LOCKED', 423, '密码错误次数过多，账户已暂时锁定'),
  FORBIDDEN: spec('CTI_FORBIDDEN', 403, '当前角色无权执行此操作'),
  AUTH_BAD_USER: spec('CTI_AUTH_BAD_USER', 400, '用户信息不正确'),
  AUTH_DUPLICATE_USER: spec('CTI_AUTH_DUPLICATE_USER', 409, '用户名已存在'),
  AUTH_NO_SUCH_USER: spec('CTI_AUTH_NO_SUCH_USER', 404, '没有这个用户'),
  AUTH_NOT_LOCKED: spec('CTI_AUTH_NOT_LOCKED', 409, '该账户（或该地址）当前没有被锁定'),
  // FreeSWITCH Event Socket (src/esl); read by operators, so English
  ESL_CONNECT_FAILED: spec('CTI_ESL_CONNECT_FAILED', 503, 'could not connect to the FreeSWITCH event socket'),
  ESL_AUTH_FAILED: spec('CTI_ESL_AUTH_FAILED', 503, 'FreeSWITCH refused the event socket password'),
  ESL_DISCONNECTED: spec('CTI_ESL_DISCONNECTED', 503, 'the event socket connection to FreeSWITCH is closed'),
  ESL_TIMEOUT: spec('CTI_ESL_TIMEOUT', 504, 'FreeSWITCH did not answer in time'),
  ESL_COMMAND_FAILED: spec('CTI_ESL_COMMAND_FAILED', 502, 'FreeSWITCH answered the command with an error'),
  ESL_BAD_FRAME: spec('CTI_ESL_BAD_FRAME', 502, 'a malformed event socket frame was received and skipped'),
  // one-key transfer (一键转接)
  TRANSFER_NO_CALL: spec('CTI_TRANSFER_NO_CALL', 404, '该通话不在进行中，或不由本坐席接听 (no such call talking to an agent)'),
  TRANSFER_UNKNOWN_HOTLINE: spec('CTI_TRANSFER_UNKNOWN_HOTLINE', 400, '不是可转接的热线号码 (not a parallel, emergency or linkage hotline)'),
  TRANSFER_REFUSED: spec('CTI_TRANSFER_REFUSED', 409, "该热线当前不在工作时间，不能转接；请生成工单派发 (outside the hotline's working hours)"),
  TRANSFER_BAD_STATE: spec('CTI_TRANSFER_BAD_STATE', 409, "当前通话状态下不能执行此操作 (not possible in the call's current transfer state)"),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ErrorCodes;

/** An error with a catalog code; `detail` carries structured data for API bodies and logs. */
export class CtiError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly detail: unknown;

  constructor(name: ErrorName, message?: string, detail?: unknown) {
    const s = ErrorCodes[name];
    super(message ?? s.message);
    this.name = 'CtiError';
    this.code = s.code;
    this.statusCode = s.status;
    this.detail = detail;
  }
}
