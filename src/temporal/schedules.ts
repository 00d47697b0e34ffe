// The maintenance Schedules, created by every worker at start: idempotent, so any number of
// workers may start at once, and a changed interval in the configuration takes effect on the
// next start. They show in the Web UI under Schedules as herald-reconciler/… and herald-retention/….
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { Config } from '../config';
import { workflowTypes } from '../../workflows/contracts/workflows';

export type ScheduleConfig = Pick<Config, 'taskQueue' | 'reconcileIntervalSeconds' | 'reconcileGraceSeconds' | 'retentionIntervalSeconds' | 'retentionDays'>;

interface MaintenanceSchedule {
  scheduleId: string;
  everySeconds: number;
  action: ScheduleOptionsStartWorkflowAction<Workflow>;
}

/** One pair per task queue, so that separate Herald installations on one namespace keep apart. */
export function scheduleIds(taskQueue: string): { reconciler: string; retention: string } {
  return { reconciler: `herald-reconciler/${taskQueue}`, retention: `herald-retention/${taskQueue}` };
}

function maintenanceSchedules(config: ScheduleConfig): MaintenanceSchedule[] {
  const ids = scheduleIds(config.taskQueue);
  const run = (seconds: number) => Math.max(seconds * 5, 60) * 1000;
  return [
    {
      scheduleId: ids.reconciler,
      everySeconds: config.reconcileIntervalSeconds,
      action: {
        type: 'startWorkflow',
        workflowType: workflowTypes.reconcile,
        workflowId: ids.reconciler,
        taskQueue: config.taskQueue,
        args: [{ graceSeconds: config.reconcileGraceSeconds }],
        // A run that cannot finish (no worker polls) gives way to the next one.
        workflowExecutionTimeout: run(config.reconcileIntervalSeconds),
      },
    },
    {
      scheduleId: ids.retention,
      everySeconds: config.retentionIntervalSeconds,
      action: {
        type: 'startWorkflow',
        workflowType: workflowTypes.retention,
        workflowId: ids.retention,
        taskQueue: config.taskQueue,
        args: [{ retentionDays: config.retentionDays }],
        workflowExecutionTimeout: run(config.retentionIntervalSeconds),
      },
    },
  ];
}

/** Creates the reconciler and retention Schedules, or brings existing ones up to the configuration. */
export async function ensureSchedules(client: Client, config: ScheduleConfig): Promise<void> {
  for (const schedule of maintenanceSchedules(config)) {
    const spec = { intervals: [{ every: schedule.everySeconds * 1000 }] };
    const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 60_000 };
    try {
      await client.schedule.create({ scheduleId: schedule.scheduleId, spec, action: schedule.action, policies });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(schedule.scheduleId).update((previous) => ({ ...previous, spec, action: schedule.action, policies }));
    }
  }
}

/** For test stacks that come and go: their Schedules go with them. */
export async function removeSchedules(client: Client, taskQueue: string): Promise<void> {
  for (const scheduleId of Object.values(scheduleIds(taskQueue))) {
    try {
      await client.schedule.getHandle(scheduleId).delete();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
}
