// Reading a workflow's history, for the tests and the fixture recorder: the JSON format of recorded
// histories (test/fixtures/histories/), and whether a workflow has handled everything sent to it.
import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

// The JSON of the SDK's historyToJSON/historyFromJSON, with the protobufjs copy that
// @temporalio/proto's types come from: npm installs another copy for @temporalio/common, whose
// helpers refuse these types ("type must be a Type").
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [path.dirname(require.resolve('@temporalio/proto/package.json'))] })) as {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown): History;
};
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

export function historyFromJson(json: unknown): History {
  return protojson.fromJson(historyType, json);
}

const { EventType } = proto.temporal.api.enums.v1;

/**
 * True when the workflow has handled everything that arrived for it: its last workflow task
 * completed (anything that arrives schedules one), and, unless `activitiesUnderWay`, every
 * activity it scheduled has closed and every child it started has started.
 */
export function handledEverything(events: HistoryEvent[], options: { activitiesUnderWay?: boolean } = {}): boolean {
  const count = (...types: number[]) => events.filter((event) => types.includes(event.eventType ?? 0)).length;
  const lastTask = events.filter((event) => /^EVENT_TYPE_WORKFLOW_TASK_/.test(EventType[event.eventType ?? 0] ?? '')).at(-1);
  const handled = lastTask?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
  if (!handled || options.activitiesUnderWay) return handled;
  const activitiesClosed = count(
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
    EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
  );
  const childrenStarted = count(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED);
  return (
    count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) === activitiesClosed &&
    count(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) === childrenStarted
  );
}
