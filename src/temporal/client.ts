// Herald's Temporal client: what every start, signal and query is made with.
import { Client, Connection, type ConnectionLike } from '@temporalio/client';
import type { Config } from '../config';
import { temporalConnectionOptions } from './connection';

/** A client and the task queue Herald's worker polls: all that starting or signalling a workflow needs. */
export interface TemporalClient {
  client: Client;
  taskQueue: string;
  /**
   * The client shares its connection with a worker of this process on `taskQueue`: an event
   * workflow's start asks the server to hand its first task straight to that worker. Only such a
   * client may ask (the SDK refuses otherwise).
   */
  eagerStart?: boolean;
}

/** A client whose owner (the API process) closes it at shutdown. */
export interface TemporalDeps extends TemporalClient {
  close(): Promise<void>;
}

type ClientConfig = Pick<Config, 'temporalAddress' | 'temporalSecurity' | 'temporalNamespace' | 'taskQueue'>;

/** A client on a connection of its own. */
export async function connectTemporal(config: ClientConfig): Promise<TemporalDeps> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({ connection, namespace: config.temporalNamespace });
  return { client, taskQueue: config.taskQueue, close: () => connection.close() };
}

/**
 * A client on the connection of a worker in this process (a `NativeConnection`), so event
 * workflows start eagerly. The worker's owner closes the connection, after the worker has stopped.
 */
export function clientOnWorkerConnection(connection: ConnectionLike, config: ClientConfig): TemporalDeps {
  const client = new Client({ connection, namespace: config.temporalNamespace });
  return { client, taskQueue: config.taskQueue, eagerStart: true, close: async () => undefined };
}
