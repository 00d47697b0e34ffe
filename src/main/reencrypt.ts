// `npm run secrets:reencrypt` (or `node dist/src/main/reencrypt.js`): one-shot. Rewrites every secret
// at rest under the first key of HERALD_ENCRYPTION_KEY, prints the counts, and exits 0, or 1 when
// a record could not be read with the listed keys or changed during the run.
import { ConfigError, loadConfig, requireKeyring } from '../config';
import { reencryptSecrets, type ReencryptCounts } from '../services/reencrypt';
import { SecretBox } from '../security/secretBox';
import { createStore } from '../store';
import { connectMongo } from '../store/mongo';

async function main(): Promise<number> {
  const config = loadConfig();
  const keyring = requireKeyring(config);
  const mongo = await connectMongo(config.mongodbUrl);
  try {
    console.log(`re-encrypting secrets under key "${keyring.currentId}" (keys known: ${keyring.ids.join(', ')})`);
    const report = await reencryptSecrets(createStore(mongo.db, new SecretBox(keyring)));
    for (const [collection, counts] of Object.entries<ReencryptCounts>({ ...report })) {
      console.log(`${collection}: ${counts.scanned} read, ${counts.rewritten} re-encrypted, ${counts.missed} changed during the run`);
    }
    const missed = report.webhooks.missed + report.workspaces.missed;
    if (missed > 0) console.log('some records changed during the run: run the command again');
    return missed > 0 ? 1 : 0;
  } finally {
    await mongo.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
