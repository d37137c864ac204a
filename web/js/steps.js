// What the runner reads from a job and its checklist: the steps that apply, in order,
// each step's latest record, and where the trainee is.

/* The steps of checklist C that apply to JOB's device, in the checklist's order. */
export function applicableSteps(c, job) {
  const out = new Set(job.steps_not_applicable || []);
  return (c.steps || []).filter((s) => !out.has(s.id));
}

/* Each step's latest record (records are kept in order; a correction is a later one). */
export function lastRecords(job) {
  const last = new Map();
  for (const r of job.records || []) last.set(r.step, r);
  return last;
}

/* The failed record of a quarantine step that is still the step's latest, or null: the
 * device was set aside by this job. */
export function quarantineRecord(c, job) {
  const last = lastRecords(job);
  for (const s of c.steps || []) {
    const r = last.get(s.id);
    if (s.on_fail === "quarantine" && r && r.result === "fail") return { step: s, record: r };
  }
  return null;
}

/* The step to show when none is named: a step to redo, else the first step to do that
 * the checklist lists, else null (all done). */
export function nextStep(c, job) {
  const steps = applicableSteps(c, job);
  const redo = new Set(job.steps_to_redo || []);
  const todo = new Set(job.steps_to_do || []);
  return steps.find((s) => redo.has(s.id)) || steps.find((s) => todo.has(s.id)) || null;
}

/* Instructions with the warnings first, then the cautions, then the notes (each kind in
 * the checklist's order): what can hurt comes before what to do. */
export function orderedInstructions(step) {
  const rank = { warning: 0, caution: 1, note: 2 };
  return (step.instructions || []).map((ins, i) => ({ ins, i }))
    .sort((a, b) => (rank[a.ins.level] ?? 2) - (rank[b.ins.level] ?? 2) || a.i - b.i)
    .map((x) => x.ins);
}
