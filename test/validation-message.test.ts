// Schema failures said in Chinese with the field and the values it takes (src/http/validation-message.ts).
// The items are shaped as ajv reports them; the routes' own answers are checked in sms.test.ts and auth.test.ts.
import t from 'tap';
import { validationAnswer } from '../src/http/validation-message.js';

t.test('a union of literals: each branch fails its const, then anyOf; the values are listed', async (t) => {
  const items = [
    { keyword: 'const', instancePath: '/format', params: { allowedValue: 'csv' }, message: 'must be equal to constant' },
    { keyword: 'const', instancePath: '/format', params: { allowedValue: 'xlsx' }, message: 'must be equal to constant' },
    { keyword: 'anyOf', instancePath: '/format', params: {}, message: 'must match a schema in anyOf' },
  ];
  t.same(validationAnswer('querystring', items), {
    field: 'querystring.format',
    message: 'querystring.format: 取值必须是以下之一：csv、xlsx',
    allowed: ['csv', 'xlsx'],
    reason: 'querystring.format: must be equal to constant',
  });
});

t.test('values of another field are not listed', async (t) => {
  const items = [
    { keyword: 'type', instancePath: '/limit', params: { type: 'integer' }, message: 'must be integer' },
    { keyword: 'enum', instancePath: '/status', params: { allowedValues: ['a', 'b'] }, message: 'must be equal to one of the allowed values' },
  ];
  t.same(validationAnswer('querystring', items), {
    field: 'querystring.limit',
    message: 'querystring.limit: 应为整数',
    reason: 'querystring.limit: must be integer',
  });
});

t.test('each common keyword in Chinese', async (t) => {
  const say = (keyword: string, params: Record<string, unknown>) =>
    validationAnswer('body', [{ keyword, instancePath: '/x', params, message: 'english' }]).message;
  t.equal(say('required', { missingProperty: 'y' }), 'body.x.y: 缺少此必填字段');
  t.equal(say('type', { type: 'string,null' }), 'body.x: 应为字符串或null');
  t.equal(say('minLength', { limit: 1 }), 'body.x: 不能为空');
  t.equal(say('minLength', { limit: 8 }), 'body.x: 长度至少 8 个字符');
  t.equal(say('maxLength', { limit: 20 }), 'body.x: 长度至多 20 个字符');
  t.equal(say('minimum', { limit: 0 }), 'body.x: 不能小于 0');
  t.equal(say('maximum', { limit: 500 }), 'body.x: 不能大于 500');
  t.equal(say('pattern', { pattern: '^[0-9]+$' }), 'body.x: 格式不正确（应匹配 ^[0-9]+$）');
  t.equal(say('format', { format: 'date-time' }), 'body.x: 格式不正确（应为 date-time）');
  t.equal(say('maxItems', { limit: 5 }), 'body.x: 至多 5 项');
  t.equal(say('uniqueItems', {}), 'body.x: 取值无效（english）', 'anything else keeps ajv words in brackets');
  t.equal(say('additionalProperties', { additionalProperty: 'extra' }), 'body.x: 不认识的字段 "extra"');
  t.equal(
    say('additionalProperties', { additionalProperty: 'k'.repeat(5000) }).length,
    'body.x: 不认识的字段 ""'.length + 60,
    "a stranger's key name cut at 60",
  );
});
