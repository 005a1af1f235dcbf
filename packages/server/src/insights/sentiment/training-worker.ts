// Worker-thread entry: runs one training job and posts its result (see train-off-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { runTrainingJob, type TrainingJob } from './training-job.ts';

parentPort?.postMessage(runTrainingJob(workerData as TrainingJob));
