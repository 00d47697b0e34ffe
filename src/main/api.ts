// The API process: Fastify on MongoDB and a Temporal client.
import { buildApp } from '../api/app';
import { ConfigError, loadConfig, requireKeyring, type Config } from '../config';
import { SecretBox } from '../security/secretBox';
import { createStore } from '../store';
import { connectMongo, ensureIndexes } from '../store/mongo';
import { connectTemporal } from '../temporal/client';

export async function startServer(config: Config) {
  const box = new SecretBox(requireKeyring(config)); // before any connection: a missing key stops the start
  const mongo = await connectMongo(config.mongodbUrl);
  await ensureIndexes(mongo.db);
  const temporal = await connectTemporal(config);
  const app = await buildApp({ config, store: createStore(mongo.db, box), temporal, db: mongo.db });
  app.addHook('onClose', async () => {
    await temporal.close();
    await mongo.close();
  });
  await app.listen({ port: config.port, host: config.host });
  return app;
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.adminKey) console.warn('HERALD_ADMIN_KEY is not set: admin routes (workspaces, API keys) will answer 401.');
  const app = await startServer(config);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
