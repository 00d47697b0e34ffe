// Herald's Temporal client: what every start, signal and query is made with.
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { temporalConnectionOptions } from './connection';

/** A client and the task queue Herald's worker polls: all that starting or signalling a workflow needs. */
export interface TemporalClient {
  client: Client;
  taskQueue: string;
}

/** A client on a connection of its own, which its owner (the API process) closes at shutdown. */
export interface TemporalDeps extends TemporalClient {
  close(): Promise<void>;
}

export async function connectTemporal(config: Pick<Config, 'temporalAddress' | 'temporalSecurity' | 'temporalNamespace' | 'taskQueue'>): Promise<TemporalDeps> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({ connection, namespace: config.temporalNamespace });
  return { client, taskQueue: config.taskQueue, close: () => connection.close() };
}
