// Retry policies: presets, resolution, schedule maths, success and expiry rules,
// and the rules a stored policy obeys. Everything here is pure, so workflow code may import it.

export * from './types';
export * from './presets';
export * from './resolve';
export * from './schedule';
export * from './jitter';
export * from './retryAfter';
export * from './deferral';
export * from './success';
export * from './expiry';
export * from './validation';
export * from './endpointHealth';
export * from './retention';
export * from './secrets';
