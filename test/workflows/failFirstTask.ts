// A workflow interceptor for the delivery harness's worker: in a run whose id carries
// FAIL_FIRST_TASK_MARK, the first workflow task fails right after a local activity of it returned,
// so that its result never reaches the history, as when a task times out after its local
// activities ran. The server runs the task again and the workflow schedules the activity again.
import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const FAIL_FIRST_TASK_MARK = 'evt_failfirst_';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      async scheduleLocalActivity(input, next) {
        const result = await next(input);
        const { workflowId, historyLength } = workflowInfo();
        // Not a TemporalFailure: the workflow task fails, the run does not.
        if (workflowId.includes(FAIL_FIRST_TASK_MARK) && historyLength <= 3) throw new Error('the first task fails after its local activity ran');
        return result;
      },
    },
  ],
});
