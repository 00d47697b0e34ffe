// The one success rule every attempt is judged by (the activity, the webhook test, the test doubles).
import { judgeAttempt, resolvePolicy } from '../../src/policy';

const fixed = resolvePolicy({ preset: 'fixed' });

describe('judgeAttempt', () => {
  it('counts a success code with no error as delivered', () => {
    expect(judgeAttempt(fixed, { statusCode: 204 })).toEqual({ succeeded: true });
  });

  it('names the status that is not a success code', () => {
    expect(judgeAttempt(fixed, { statusCode: 500 })).toEqual({
      succeeded: false,
      error: { kind: 'status', message: 'status 500 is not a success code' },
    });
  });

  it('keeps the error that stopped the request, whatever the code', () => {
    const error = { kind: 'timeout' as const, message: 'no answer in 5000 ms' };
    expect(judgeAttempt(fixed, { error })).toEqual({ succeeded: false, error });
    expect(judgeAttempt(fixed, { statusCode: 200, error })).toEqual({ succeeded: false, error });
  });

  it("follows the webhook's own success codes", () => {
    const custom = resolvePolicy({ preset: 'fixed' }, { successCodes: [200, 409] });
    expect(judgeAttempt(custom, { statusCode: 409 })).toEqual({ succeeded: true });
    expect(judgeAttempt(custom, { statusCode: 201 }).succeeded).toBe(false);
  });
});
