// A schema failure said to the person who sent it (issue 21, 7): in Chinese, with the field and,
// where the schema has them, the values it takes. Pure: ajv's error items in, one answer out.
// Ajv's own English message is kept as `reason` for whoever reads the API by hand.

export interface ValidationItem {
  keyword?: string;
  instancePath?: string;
  params?: Record<string, unknown>;
  message?: string;
}

export interface ValidationAnswer {
  field: string;
  message: string;
  /** the values the field takes, when the schema lists them (const, enum, a union of literals) */
  allowed?: string[];
  reason: string;
}

const TYPE_NAMES: Record<string, string> = {
  integer: '整数',
  number: '数字',
  string: '字符串',
  boolean: '布尔值（true 或 false）',
  object: '对象',
  array: '数组',
  null: 'null',
};

/** "body.caller" from an ajv error, including the name of a missing required property. */
function fieldOf(context: string, item: ValidationItem | undefined): string {
  const path = (item?.instancePath ?? '').split('/').filter(Boolean);
  const missing = item?.params?.missingProperty;
  if (typeof missing === 'string') path.push(missing);
  return [context, ...path].join('.');
}

/**
 * The values a field takes, from the const and enum failures ajv reports at its path: a union of
 * literals fails each branch (one const item each) before its anyOf item.
 */
function allowedAt(items: readonly ValidationItem[], path: string | undefined): string[] {
  const values = items
    .filter((i) => i.instancePath === path)
    .flatMap((i) => (i.keyword === 'const' ? [i.params?.allowedValue] : i.keyword === 'enum' ? ((i.params?.allowedValues as unknown[]) ?? []) : []));
  return [...new Set(values.map((v) => String(v)))];
}

function typeText(item: ValidationItem): string {
  const types = String(item.params?.type ?? '')
    .split(',')
    .map((t) => TYPE_NAMES[t] ?? t);
  return `应为${types.join('或')}`;
}

/** What is wrong, in Chinese, for the first failure (which names the field). */
function whatIsWrong(item: ValidationItem, allowed: string[]): string {
  const limit = item.params?.limit;
  switch (item.keyword) {
    case 'required':
      return '缺少此必填字段';
    case 'type':
      return typeText(item);
    case 'minLength':
      return Number(limit) === 1 ? '不能为空' : `长度至少 ${limit} 个字符`;
    case 'maxLength':
      return `长度至多 ${limit} 个字符`;
    case 'minimum':
      return `不能小于 ${limit}`;
    case 'maximum':
      return `不能大于 ${limit}`;
    case 'exclusiveMinimum':
      return `必须大于 ${limit}`;
    case 'exclusiveMaximum':
      return `必须小于 ${limit}`;
    case 'minItems':
      return `至少 ${limit} 项`;
    case 'maxItems':
      return `至多 ${limit} 项`;
    case 'pattern':
      return `格式不正确（应匹配 ${item.params?.pattern}）`;
    case 'format':
      return `格式不正确（应为 ${item.params?.format}）`;
    case 'additionalProperties':
      // a name the sender chose: echoed short
      return `不认识的字段 ${JSON.stringify(String(item.params?.additionalProperty).slice(0, 60))}`;
    default:
      return allowed.length > 0 ? '' : `取值无效（${item.message ?? item.keyword ?? 'invalid'}）`;
  }
}

export function validationAnswer(context: string, items: readonly ValidationItem[]): ValidationAnswer {
  const first = items[0];
  const field = fieldOf(context, first);
  const allowed = first?.keyword === 'required' ? [] : allowedAt(items, first?.instancePath);
  const wrong = whatIsWrong(first ?? {}, allowed);
  const choice = allowed.length > 0 ? `取值必须是以下之一：${allowed.join('、')}` : '';
  const text = [wrong, choice].filter(Boolean).join('；');
  return {
    field,
    message: `${field}: ${text}`,
    ...(allowed.length > 0 ? { allowed } : {}),
    reason: `${field}: ${first?.message ?? 'invalid'}`,
  };
}
