// The pure parts of the API's abuse resistance: which bucket a client address counts in, which
// thrown errors mean "a dependency is down" (503, not 500), and the U+0000 rule on text fields.
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { ServiceError } from '@temporalio/client';
import { isDependencyDown } from '../../src/api/plugins/dependencyErrors';
import { addressBucket } from '../../src/api/plugins/rateLimits';
import { nulIssue } from '../../src/api/plugins/textFields';

describe('addressBucket', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1:2:3:4', 'fe80:0:0:0::/64'],
  ])('%s counts as %s', (ip, bucket) => {
    expect(addressBucket(ip)).toBe(bucket);
  });
});

describe('isDependencyDown', () => {
  const grpc = (code: number) => Object.assign(new Error('grpc'), { code, details: 'x', metadata: {} });

  it.each([
    ['MongoDB server selection', new MongoServerSelectionError('no server', { type: 'Unknown', servers: new Map() } as never)],
    ['a MongoDB network error', new MongoNetworkError('reset')],
    ['MongoDB shutting down', new MongoServerError({ message: 'shutdown', code: 91 })],
    ['Temporal unavailable', new ServiceError('Failed to start Workflow', { cause: grpc(14) })],
    ['a Temporal deadline', new ServiceError('Failed to signal Workflow', { cause: grpc(4) })],
    ['a wrapped MongoDB error', new Error('while loading', { cause: new MongoNetworkError('reset') })],
    [
      "FerretDB without its PostgreSQL (as the fault suite's postgres-kill saw it)",
      new MongoServerError({
        message:
          '[msg_insert.go:97 handler.(*Handler).MsgInsert] failed to connect to `user=herald database=postgres`:\n\t127.0.0.1:36599 (127.0.0.1): server error: FATAL: the database system is not yet accepting connections (SQLSTATE 57P03)',
        code: 1,
        codeName: 'InternalError',
      }),
    ],
  ])('%s is a dependency down', (_name, error) => {
    expect(isDependencyDown(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', new MongoServerError({ message: 'dup', code: 11000 })],
    ['any other FerretDB InternalError', new MongoServerError({ message: 'unexpected nil pointer', code: 1, codeName: 'InternalError' })],
    ['Temporal: not found', new ServiceError('Failed', { cause: grpc(5) })],
    ['a plain bug', new TypeError('x is undefined')],
    ['not an error', 'down'],
  ])('%s is not', (_name, error) => {
    expect(isDependencyDown(error)).toBe(false);
  });
});

describe('nulIssue', () => {
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
      secret: { anyOf: [{ type: 'boolean' }, { type: 'string' }] },
      data: {},
    },
    patternProperties: undefined,
  };

  it('finds U+0000 in a string field, at any depth, and names its path', () => {
    expect(nulIssue(schema, { name: 'a\u0000' })).toMatchObject({ instancePath: '/name', message: 'must not contain the character U+0000' });
    expect(nulIssue(schema, { tags: ['ok', 'b\u0000'] })).toMatchObject({ instancePath: '/tags/1' });
    expect(nulIssue(schema, { secret: '\u0000' })).toMatchObject({ instancePath: '/secret' });
    expect(nulIssue({ type: 'object', patternProperties: { '^x': { type: 'string' } } }, { xa: '\u0000' })).toMatchObject({ instancePath: '/xa' });
  });

  it('leaves schema-less payloads alone, and clean text', () => {
    expect(nulIssue(schema, { data: { text: '\u0000' }, name: 'fine' })).toBeUndefined();
    expect(nulIssue(schema, { name: 'é😀\ud800' })).toBeUndefined();
  });
});
