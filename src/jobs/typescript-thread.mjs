// A worker thread's first module when the app runs as TypeScript through tsx (tests, the
// command-line tools): on Node 20 tsx's hooks do not reach a worker's first module, even with
// `--import tsx`, so this plain module registers them and then imports the thread's TypeScript
// module (workerData.typescript). Under `npm start` the thread is a bundle and starts directly.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.typescript);
