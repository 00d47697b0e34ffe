// Jest globalTeardown of the "services" project: stops what globalSetup.ts started.
import { rmSync } from 'node:fs';
import type { HeraldTestServices } from './globalSetup';

export default async function globalTeardown(): Promise<void> {
  const services: HeraldTestServices | undefined = globalThis.__heraldTestServices;
  if (!services) return;
  globalThis.__heraldTestServices = undefined;
  await Promise.all([services.temporal.stop(), services.ferretdb.stop()]);
  rmSync(services.dataDir, { recursive: true, force: true });
  delete process.env.HERALD_TEST_SERVICES;
}
