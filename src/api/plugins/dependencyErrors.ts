// Which thrown errors mean "a dependency is down" rather than "Herald has a bug": MongoDB or
// Temporal unreachable. The API answers those 503 with Retry-After (errors.ts), so a client waits
// and tries again instead of treating the request as broken.
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';

// gRPC status codes from Temporal that say "not now", not "not ever".
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const TRANSIENT_GRPC = new Set([GRPC_UNAVAILABLE, GRPC_DEADLINE_EXCEEDED, GRPC_RESOURCE_EXHAUSTED]);

// MongoDB server codes of a node that cannot serve right now: shutting down, stepping down,
// unreachable host, or (FerretDB) its storage not answering in time.
const TRANSIENT_MONGO_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

// FerretDB answers InternalError (1) when its PostgreSQL cannot be reached or is restarting
// (docs/reliability.md, Known limits). Only those messages count; any other InternalError stays a
// 500, as a bug would.
const MONGO_INTERNAL_ERROR = 1;
const BACKEND_UNREACHABLE =
  /failed to connect to|connection refused|the database system is (starting up|shutting down|not yet accepting connections)|SQLSTATE 57P0[1-3]/i;

function isBackendUnreachable(error: MongoServerError): boolean {
  return Number(error.code) === MONGO_INTERNAL_ERROR && BACKEND_UNREACHABLE.test(error.message);
}

function isTransientGrpc(error: unknown): boolean {
  return isGrpcServiceError(error) && TRANSIENT_GRPC.has(error.code);
}

/** True when `error` (or what it wraps) says MongoDB or Temporal cannot be reached just now. */
export function isDependencyDown(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (
      cause instanceof MongoNetworkError || // includes MongoNetworkTimeoutError
      cause instanceof MongoServerSelectionError ||
      cause instanceof MongoNotConnectedError ||
      cause instanceof MongoTopologyClosedError
    ) {
      return true;
    }
    if ((cause instanceof MongoServerError || cause instanceof MongoWriteConcernError) && TRANSIENT_MONGO_CODES.has(Number(cause.code))) return true;
    if (cause instanceof MongoServerError && isBackendUnreachable(cause)) return true;
    if (isTransientGrpc(cause)) return true;
    // The Temporal client wraps the gRPC error in a ServiceError whose cause carries the code.
    if (cause instanceof ServiceError && isTransientGrpc(cause.cause)) return true;
  }
  return false;
}
