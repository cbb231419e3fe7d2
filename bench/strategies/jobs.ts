import type { JobName } from '../lib/bench-task.js';
import { eagerJob } from './eager.js';
import type { Job } from './job.js';
import { naiveJob } from './naive.js';
import { bronzeJob, buildJob, incrementalJob, mergeJob, windowJob } from './model-jobs.js';
import { landMoreJob, simulateJob } from './simulate.js';

/** Every job a child process can run, by name. */
export const JOBS: Readonly<Record<JobName, Job>> = {
  simulate: simulateJob,
  eager: eagerJob,
  bronze: bronzeJob,
  window: windowJob,
  merge: mergeJob,
  naive: naiveJob,
  build: buildJob,
  incremental: incrementalJob,
  'land-more': landMoreJob,
};
